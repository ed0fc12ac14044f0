import { useEffect, useRef, useState } from 'preact/hooks'
import { t, type MessageKey } from '../i18n'
import { allCollateral, getCampaign, getLead, outcomeCodes, visitsToday, type Tap } from '../offline/content'
import { logVisit, UNDO_MS, undoOutcomes, unplanVisit } from '../offline/outbox'
import type { SessionUser } from '../offline/session'
import { withCounters } from '../offline/counters'
import { rankCollateral, type Evidence } from '../offline/ranking'
import { CounterReason } from './CounterReason'
import { LeadShare } from './LeadShare'
import { codeLabel, formatDate, formatTime } from './format'
import { BackIcon, CheckIcon, ThumbIcon as Thumb } from './icons'
import { useLive } from './live'
import { createTapGate } from './tap-gate'
import { showToast } from './Toast'
import { VisitConfirm, type Replanned } from './VisitConfirm'

const NO_VISITS: Tap[] = []


/** Keeps `--outcomes-h` on the page at the height of the fixed outcome bar, so that the
 * screen's end and the toast (with its Undo) stay above it instead of covering the buttons. */
function useBarHeight(bar: { current: HTMLElement | null }, present: boolean): void {
  useEffect(() => {
    const el = bar.current
    if (!el) return
    const root = document.documentElement.style
    const measure = () => root.setProperty('--outcomes-h', `${el.offsetHeight}px`)
    measure()
    const watcher = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(measure)
    watcher?.observe(el)
    return () => {
      watcher?.disconnect()
      root.removeProperty('--outcomes-h')
    }
  }, [present])
}

/** "Worked for similar customers: 14 of 52 won" and where it was measured; nothing below the
 * minimum number of visits (the ranking then says nothing rather than a number). */
function EvidenceLine({ evidence }: { evidence: Evidence | null | undefined }) {
  if (!evidence) return null
  return (
    <span class="evidence muted">
      {t('lead.evidence', { won: evidence.won, shown: evidence.shown })} · {t(`lead.evidenceIn.${evidence.group}`, { value: evidence.value })}
    </span>
  )
}

export function Lead({ user, id }: { user: SessionUser; id: string }) {
  const data = useLive(async () => {
    const lead = await getLead(id)
    if (!lead) return { lead: null }
    const [campaign, codes, visits, items] = await Promise.all([
      getCampaign(lead.campaign_id),
      outcomeCodes(),
      visitsToday(user.id, lead),
      allCollateral(),
    ])
    // marketing's recommendations first, then items answering an objection the lead raised, then the campaign's items by how they did with similar customers
    const ranked = rankCollateral(withCounters(lead), campaign, items)
    const evidence = new Map(ranked.map((r) => [r.item.id, r.evidence]))
    return { lead, campaign, codes, visits, collateral: ranked.map((r) => r.item), evidence }
  }, [id, user.id])
  const [fit, setFit] = useState<Record<string, 'up' | 'down'>>({})
  const [gate] = useState(createTapGate)
  // the rep asked to log another visit today
  const [another, setAnother] = useState(false)
  const bar = useRef<HTMLDivElement>(null)
  useBarHeight(bar, !!data?.lead)

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
  const { lead, campaign, codes = [], collateral = [], visits = NO_VISITS, evidence } = data
  gate.shown(visits.map((v) => v.id))
  const waitsForAnother = visits.length > 0 && !another
  const locked = waitsForAnother || !gate.open
  const address = [lead.street, `${lead.postal_code} ${lead.city}`.trim(), lead.country].filter(Boolean).join(', ')

  function tap(code: string) {
    // One tap, one visit: decided here, before any await or render, so a second tap finds it.
    if (waitsForAnother || !gate.tryTap()) return
    performance.mark('outcome-tap')
    setAnother(false)
    const input = {
      userId: user.id,
      leadId: lead!.id,
      code,
      fit: Object.entries(fit).map(([collateral_id, f]) => ({ collateral_id, fit: f })),
    }
    logVisit(
      input,
      visits.map((v) => v.id),
    ).then(
      (done) => {
        const label = codeLabel(done.code, codes)
        const replanned: Replanned = { before: lead!.planned_visit_at ?? null, changed: false }
        const undo = async () => {
          await undoOutcomes(user.id, done.ids)
          if (replanned.changed) await unplanVisit(user.id, lead!.id, replanned.before)
        }
        showToast({
          text: t(done.created ? 'toast.saved' : 'toast.already', { label }),
          ms: UNDO_MS,
          action: {
            label: t('toast.undo'),
            // every outcome this confirmation stands for, each once, and the next visit it planned
            run: () => void undo().then(() => showToast({ text: t('toast.undone') })),
          },
          // the reason, the next visit and the note, right after the tap
          body: done.created ? <VisitConfirm user={user} outcomeId={done.ids[0]!} lead={lead!} code={codes.find((c) => c.code === done.code)} replanned={replanned} /> : undefined,
        })
        performance.mark('outcome-toast')
        if (done.created) setFit({})
      },
      () => {
        gate.reopen()
        setAnother(visits.length > 0)
        showToast({ text: t('toast.failed') })
      },
    )
  }

  function logAnother() {
    gate.reopen()
    setAnother(true)
  }

  const timesOf = (code: string) =>
    visits
      .filter((v) => v.code === code)
      .map((v) => formatTime(v.occurredAt))
      .join(', ')

  return (
    <main class="screen lead with-actions">
      <header class="bar">
        <a class="button secondary" href="/" aria-label={t('lead.back')}>
          <BackIcon />
        </a>
        <h1>{lead.company}</h1>
      </header>
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
                  <span class="kind">{t(`collateralKind.${c.kind}` as MessageKey)}</span> {c.title}
                  <CounterReason lead={lead} id={c.id} />
                  <EvidenceLine evidence={evidence?.get(c.id)} />
                </a>
                <span class="fit" role="group" aria-label={t('lead.fit')}>
                  <button type="button" class={fit[c.id] === 'up' ? 'chip on' : 'chip'} aria-pressed={fit[c.id] === 'up'} aria-label={t('lead.fitUp', { title: c.title })} onClick={() => setFit({ ...fit, [c.id]: 'up' })}>
                    <Thumb />
                  </button>
                  <button type="button" class={fit[c.id] === 'down' ? 'chip on' : 'chip'} aria-pressed={fit[c.id] === 'down'} aria-label={t('lead.fitDown', { title: c.title })} onClick={() => setFit({ ...fit, [c.id]: 'down' })}>
                    <Thumb down />
                  </button>
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
      <LeadShare user={user} lead={lead} collateral={collateral} />
      <section>
        <a class="button secondary" href={`/signals?lead=${lead.id}`}>
          {t('lead.signal')}
        </a>
      </section>
      <div class="outcomes" role="group" aria-label={t('lead.outcome')} ref={bar}>
        {visits.length > 0 && (
          <div class="logged-bar">
            <p data-testid="logged-visits">
              <CheckIcon size={18} /> {t('today.logged')}:{' '}
              {visits.map((v, i) => (
                <span key={v.id}>
                  {i > 0 && ', '}
                  <span data-testid="logged-visit">{t('lead.loggedAt', { label: codeLabel(v.code, codes), time: formatTime(v.occurredAt) })}</span>
                </span>
              ))}
            </p>
            {waitsForAnother ? (
              <button type="button" class="secondary" onClick={logAnother}>
                {t('lead.another')}
              </button>
            ) : (
              <p class="muted">{t('lead.anotherHint')}</p>
            )}
          </div>
        )}
        {codes.map((c) => {
          const times = timesOf(c.code)
          return (
            <button key={c.code} type="button" class={`outcome ${c.sentiment}${times ? ' logged' : ''}`} data-code={c.code} disabled={locked} onClick={() => tap(c.code)}>
              {times && <CheckIcon size={18} />}
              {codeLabel(c.code, codes)}
              {times && <span class="at">· {times}</span>}
            </button>
          )
        })}
      </div>
    </main>
  )
}
