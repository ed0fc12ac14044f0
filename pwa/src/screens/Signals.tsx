import { useEffect, useRef, useState } from 'preact/hooks'
import { t } from '../i18n'
import { rejectedText } from '../i18n/errors'
import { allSignals, readDraft, saveDraft } from '../offline/content'
import { outboxOf, sendSignal } from '../offline/outbox'
import type { SessionUser } from '../offline/session'
import { SIGNAL_KINDS, type SignalKind } from '../offline/types'
import { formatDateTime, kindLabel } from './format'
import { useLive } from './live'
import { showToast } from './Toast'

/** Send a signal in two taps (kind + send), see marketing's acknowledgement and reply. */
export function Signals({ user, leadId }: { user: SessionUser; leadId: string | null }) {
  const [kind, setKind] = useState<SignalKind | null>(null)
  const [text, setText] = useState('')
  const loaded = useRef(false)
  const draftKey = `signal:${leadId ?? ''}`
  const data = useLive(async () => {
    const [signals, outbox] = await Promise.all([allSignals(), outboxOf(user.id)])
    // Newest first, like the sent ones below them.
    return { signals, waiting: outbox.filter((e) => e.mutation.type === 'signal.send').reverse() }
  }, [user.id])

  useEffect(() => {
    loaded.current = false
    void readDraft(user.id, draftKey).then((v) => {
      setText(v)
      loaded.current = true
    })
  }, [user.id, draftKey])

  async function send(e: Event) {
    e.preventDefault()
    if (!kind) return
    // The server wants some text; the kind's name stands in when the rep typed none.
    await sendSignal(user.id, { kind, text: text.trim() || kindLabel(kind), leadId })
    setText('')
    setKind(null)
    void saveDraft(user.id, draftKey, '')
    showToast({ text: t('signals.sent') })
  }

  return (
    <main class="screen with-tabs">
      <header class="bar">
        <h1>{t('signals.title')}</h1>
      </header>
      <form onSubmit={send} class="card">
        <fieldset>
          <legend>{t('signals.kind')}</legend>
          <div class="chips">
            {SIGNAL_KINDS.map((k) => (
              <button key={k} type="button" class={kind === k ? 'chip on' : 'chip'} aria-pressed={kind === k} onClick={() => setKind(k)}>
                {kindLabel(k)}
              </button>
            ))}
          </div>
        </fieldset>
        <label for="signal-text">{t('signals.text')}</label>
        <textarea
          id="signal-text"
          rows={3}
          maxLength={2000}
          value={text}
          onInput={(e) => {
            const v = (e.currentTarget as HTMLTextAreaElement).value
            setText(v)
            if (loaded.current) void saveDraft(user.id, draftKey, v)
          }}
        />
        <button type="submit" class="primary" disabled={!kind}>
          {t('signals.send')}
        </button>
      </form>
      <h2>{t('signals.mine')}</h2>
      {data && data.signals.length + data.waiting.length === 0 && <p class="muted">{t('signals.none')}</p>}
      <ul class="signals">
        {data?.waiting.map((e) =>
          e.mutation.type === 'signal.send' ? (
            <li key={e.id}>
              <strong>{kindLabel(e.mutation.kind)}</strong> <span class="pill">{e.status === 'rejected' ? rejectedText(e.reason) : t('signals.waiting')}</span>{' '}
              <span class="muted small">{formatDateTime(e.mutation.occurred_at ?? e.createdAt)}</span>
              <p>{e.mutation.text}</p>
            </li>
          ) : null,
        )}
        {data?.signals.map((s) => (
          <li key={s.id}>
            <strong>{kindLabel(s.kind)}</strong> <span class="pill">{t(`signals.status.${s.status}` as 'signals.status.open') ?? s.status}</span>{' '}
            <span class="muted small">{formatDateTime(s.occurred_at)}</span>
            <p>{s.text}</p>
            {s.reply && <p class="reply">{t('signals.reply', { text: s.reply })}</p>}
          </li>
        ))}
      </ul>
    </main>
  )
}
