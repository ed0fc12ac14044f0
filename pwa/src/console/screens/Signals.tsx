// The signals inbox: open or acknowledged; acknowledging (with an optional reply) reaches the
// rep's phone at its next sync.
import { useState } from 'preact/hooks'
import { useLanguage } from '../../i18n/hook'
import { consoleApi, errorText, type Signal } from '../api'
import { ct, fmtDateTime } from '../i18n'
import { go, href, useLoc } from '../nav'
import { Loadable, useAsync } from '../ui'

/** A signal that reached the server this much after the tap (a phone offline) says when it arrived. */
const LATE_MS = 15 * 60 * 1000

function SignalCard({ signal, onDone }: { signal: Signal; onDone: () => void }) {
  const [reply, setReply] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const id = `reply-${signal.id}`

  async function acknowledge(e: Event) {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      await consoleApi.acknowledge(signal.id, reply.trim())
      onDone()
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <li class="signal panel" data-testid="signal">
      <div class="signal-head">
        <span class="chip">{ct(`signals.kind.${signal.kind}` as 'signals.kind.other')}</span>
        <span class="muted">
          {signal.rep.name} · <time dateTime={signal.occurred_at}>{fmtDateTime(signal.occurred_at)}</time>
          {Date.parse(signal.created_at) - Date.parse(signal.occurred_at) > LATE_MS && ` (${ct('signals.arrived', { when: fmtDateTime(signal.created_at) })})`}
          {signal.lead && ` · ${signal.lead.name}`}
          {signal.campaign && ` · ${signal.campaign.name}`}
        </span>
      </div>
      <p class="signal-text">{signal.text}</p>
      {signal.status === 'acknowledged' ? (
        <p class="muted">
          {ct('signals.ackBy', { name: signal.acknowledged_by?.name ?? '', when: fmtDateTime(signal.acknowledged_at) })}
          {signal.reply && <q class="reply">{signal.reply}</q>}
        </p>
      ) : (
        <form class="ack" onSubmit={acknowledge}>
          <label for={id}>{ct('signals.reply')}</label>
          <textarea id={id} rows={2} maxLength={2000} value={reply} onInput={(e) => setReply((e.currentTarget as HTMLTextAreaElement).value)} />
          {error && <p class="error" role="alert">{error}</p>}
          <button type="submit" class="primary" disabled={busy}>
            {ct('signals.acknowledge')}
          </button>
        </form>
      )}
    </li>
  )
}

export function Signals() {
  useLanguage()
  const loc = useLoc()
  const status = loc.query.get('status') === 'acknowledged' ? 'acknowledged' : 'open'
  const list = useAsync(() => consoleApi.signals(status, 200), [status])
  return (
    <div>
      <div class="page-head">
        <h1>{ct('signals.title')}</h1>
      </div>
      <div class="tabs" role="tablist">
        {(['open', 'acknowledged'] as const).map((s) => (
          <a key={s} role="tab" aria-selected={s === status} class={s === status ? 'tab active' : 'tab'} href={href('/signals', { status: s === 'open' ? undefined : s })} onClick={(e) => (e.preventDefault(), go(href('/signals', { status: s === 'open' ? undefined : s })))}>
            {ct(`signals.${s}`)}
          </a>
        ))}
      </div>
      <Loadable state={list}>
        {(rows) =>
          rows.length === 0 ? (
            <p class="muted">{ct('signals.none')}</p>
          ) : (
            <ul class="signals">
              {rows.map((s) => (
                <SignalCard key={s.id} signal={s} onDone={list.reload} />
              ))}
            </ul>
          )
        }
      </Loadable>
    </div>
  )
}
