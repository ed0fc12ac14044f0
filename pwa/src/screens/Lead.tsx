import { useEffect, useRef, useState } from 'preact/hooks'
import { chipLabel, t } from '../i18n'
import { getCampaign, getCollateral, getLead, loggedToday, outcomeCodes, readDraft, saveDraft } from '../offline/content'
import { logOutcome, UNDO_MS, undoOutcome } from '../offline/outbox'
import type { SessionUser } from '../offline/session'
import type { CollateralSync } from '../offline/types'
import { codeLabel, formatDate } from './format'
import { useLive } from './live'
import { showToast } from './Toast'

export function Lead({ user, id }: { user: SessionUser; id: string }) {
  const data = useLive(async () => {
    const lead = await getLead(id)
    if (!lead) return { lead: null }
    const [campaign, codes, logged, collateral] = await Promise.all([
      getCampaign(lead.campaign_id),
      outcomeCodes(),
      loggedToday(user.id, [lead]),
      Promise.all(lead.recommended_collateral_ids.map(getCollateral)),
    ])
    return { lead, campaign, codes, logged: logged.get(id), collateral: collateral.filter((c): c is CollateralSync => !!c) }
  }, [id, user.id])
  const [details, setDetails] = useState<string[]>([])
  const [fit, setFit] = useState<Record<string, 'up' | 'down'>>({})
  const [note, setNote] = useState('')
  const noteLoaded = useRef(false)

  useEffect(() => {
    noteLoaded.current = false
    void readDraft(user.id, `note:${id}`).then((text) => {
      setNote(text)
      noteLoaded.current = true
    })
  }, [id, user.id])

  if (!data) return <main class="screen" aria-busy="true" />
  if (!data.lead) {
    return (
      <main class="screen">
        <header class="bar">
          <a class="button secondary" href="/">
            {t('lead.back')}
          </a>
        </header>
        <p>{t('lead.notFound')}</p>
      </main>
    )
  }
  const { lead, campaign, codes = [], collateral = [] } = data
  const allDetails = [...new Set(codes.flatMap((c) => c.details))]
  const address = [lead.street, `${lead.postal_code} ${lead.city}`.trim(), lead.country].filter(Boolean).join(', ')

  function tap(code: string) {
    performance.mark('outcome-tap')
    const allowed = codes.find((c) => c.code === code)?.details ?? []
    const label = codeLabel(code, codes)
    const pending = logOutcome({
      userId: user.id,
      leadId: lead!.id,
      code,
      details: details.filter((d) => allowed.includes(d)),
      note: note.trim(),
      fit: Object.entries(fit).map(([collateral_id, f]) => ({ collateral_id, fit: f })),
    })
    void pending.then(() => {
      showToast({
        text: t('toast.saved', { label }),
        ms: UNDO_MS,
        action: {
          label: t('toast.undo'),
          run: () => void pending.then((oid) => undoOutcome(user.id, oid)).then(() => showToast({ text: t('toast.undone') })),
        },
      })
      performance.mark('outcome-toast')
      setNote('')
      setDetails([])
      setFit({})
      void saveDraft(user.id, `note:${id}`, '')
    })
  }

  return (
    <main class="screen lead with-actions">
      <header class="bar">
        <a class="button secondary" href="/" aria-label={t('lead.back')}>
          ←
        </a>
        <h1>{lead.company}</h1>
      </header>
      {data.logged && (
        <p class="pill ok" data-testid="logged-mark">
          ✓ {t('today.logged')}: {codeLabel(data.logged, codes)}
        </p>
      )}
      <section aria-labelledby="brief-h">
        <h2 id="brief-h">{t('lead.brief')}</h2>
        {/* Sanitised by the server (the only HTML we render). */}
        <div class="html" dangerouslySetInnerHTML={{ __html: lead.brief_html }} />
      </section>
      {campaign && (
        <section aria-labelledby="why-h">
          <h2 id="why-h">{t('lead.whyNow')}</h2>
          <p>
            <strong>{campaign.name}</strong>
            {campaign.key_message && ` — ${campaign.key_message}`}
          </p>
          {campaign.talking_points_html && (
            <>
              <h3>{t('lead.talkingPoints')}</h3>
              <div class="html" dangerouslySetInnerHTML={{ __html: campaign.talking_points_html }} />
            </>
          )}
        </section>
      )}
      <section aria-labelledby="contact-h">
        <h2 id="contact-h">{t('lead.contact')}</h2>
        <p>
          {lead.contact_name}
          {lead.contact_role && <span class="muted"> · {lead.contact_role}</span>}
        </p>
        <div class="actions">
          {lead.phone && (
            <a class="button secondary" href={`tel:${lead.phone.replace(/[^\d+]/g, '')}`}>
              {t('lead.call', { phone: lead.phone })}
            </a>
          )}
          {address && (
            <a class="button secondary" href={`https://www.google.com/maps/search/?api=1&query=${encodeURIComponent(address)}`} target="_blank" rel="noopener noreferrer">
              {t('lead.map')}
            </a>
          )}
          {lead.email && (
            <a class="button secondary" href={`mailto:${lead.email}`}>
              {t('lead.email')}
            </a>
          )}
        </div>
        <p class="muted">{address}</p>
      </section>
      <section aria-labelledby="hist-h">
        <h2 id="hist-h">{t('lead.history')}</h2>
        {lead.history.length === 0 && <p class="muted">{t('lead.noHistory')}</p>}
        <ul class="history">
          {lead.history.map((h, i) => (
            <li key={i}>
              <strong>{codeLabel(h.code, codes)}</strong> <span class="muted">{formatDate(h.occurred_at)} · {h.rep_name}</span>
              {h.note_excerpt && <p>{h.note_excerpt}</p>}
            </li>
          ))}
        </ul>
      </section>
      {collateral.length > 0 && (
        <section aria-labelledby="coll-h">
          <h2 id="coll-h">{t('lead.collateral')}</h2>
          <ul class="collateral">
            {collateral.map((c) => (
              <li key={c.id}>
                <a class="coll-link" href={`/collateral/${c.id}?lead=${lead.id}`}>
                  <span class="kind">{c.kind}</span> {c.title}
                </a>
                <span class="fit" role="group" aria-label={t('lead.fit')}>
                  <button type="button" class={fit[c.id] === 'up' ? 'chip on' : 'chip'} aria-pressed={fit[c.id] === 'up'} aria-label={t('lead.fitUp', { title: c.title })} onClick={() => setFit({ ...fit, [c.id]: 'up' })}>
                    👍
                  </button>
                  <button type="button" class={fit[c.id] === 'down' ? 'chip on' : 'chip'} aria-pressed={fit[c.id] === 'down'} aria-label={t('lead.fitDown', { title: c.title })} onClick={() => setFit({ ...fit, [c.id]: 'down' })}>
                    👎
                  </button>
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
      {allDetails.length > 0 && (
        <section aria-labelledby="det-h">
          <h2 id="det-h">{t('lead.details')}</h2>
          <div class="chips">
            {allDetails.map((d) => (
              <button key={d} type="button" class={details.includes(d) ? 'chip on' : 'chip'} aria-pressed={details.includes(d)} onClick={() => setDetails(details.includes(d) ? details.filter((x) => x !== d) : [...details, d])}>
                {chipLabel(d)}
              </button>
            ))}
          </div>
        </section>
      )}
      <section>
        <label for="note">{t('lead.note')}</label>
        <textarea
          id="note"
          rows={2}
          maxLength={2000}
          value={note}
          onInput={(e) => {
            const v = (e.currentTarget as HTMLTextAreaElement).value
            setNote(v)
            if (noteLoaded.current) void saveDraft(user.id, `note:${id}`, v)
          }}
        />
        <p>
          <a href={`/signals?lead=${lead.id}`}>{t('lead.signal')}</a>
        </p>
      </section>
      <div class="outcomes" role="group" aria-label={t('lead.outcome')}>
        {codes.map((c) => (
          <button key={c.code} type="button" class={`outcome ${c.sentiment}`} data-code={c.code} onClick={() => tap(c.code)}>
            {codeLabel(c.code, codes)}
          </button>
        ))}
      </div>
    </main>
  )
}
