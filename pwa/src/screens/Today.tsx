import { useState } from 'preact/hooks'
import { t, type MessageKey } from '../i18n'
import { allLeads, groupForToday, lastVisits, loggedToday, matchesSearch, type TodayGroups } from '../offline/content'
import { pendingCount } from '../offline/outbox'
import type { SessionUser } from '../offline/session'
import { syncStatus } from '../offline/sync'
import type { LeadSync } from '../offline/types'
import { formatDay, formatDayTime, formatTime } from './format'
import { useLive } from './live'

interface Props {
  user: SessionUser
}

type Part = keyof TodayGroups
const PARTS: { part: Part; title: MessageKey }[] = [
  { part: 'today', title: 'today.part.today' },
  { part: 'next', title: 'today.part.next' },
  { part: 'overdue', title: 'today.part.overdue' },
  { part: 'rest', title: 'today.part.rest' },
]

/** Today's planned visits by time, then the next days, then overdue ones, then the rest by
 * priority; search by company, city or postal code narrows every part. */
export function Today({ user }: Props) {
  const [query, setQuery] = useState('')
  const data = useLive(async () => {
    const [leads, counts] = await Promise.all([allLeads(), pendingCount(user.id)])
    const [logged, last] = await Promise.all([loggedToday(user.id, leads), lastVisits(user.id, leads)])
    return { groups: groupForToday(leads, last), total: leads.length, logged, counts }
  }, [user.id])
  const shown = (part: Part) => data?.groups[part].filter((l) => matchesSearch(l, query)) ?? []
  const found = PARTS.reduce((n, p) => n + shown(p.part).length, 0)

  return (
    <main class="screen with-tabs">
      <header class="bar">
        <h1>{t('today.title')}</h1>
        {data && data.counts.pending > 0 && (
          <span class="quiet" data-testid="pending-count">
            {t('today.pending', { n: data.counts.pending })}
          </span>
        )}
      </header>
      {data && data.counts.rejected > 0 && (
        <p class="notice bad">
          <a href="/settings">{t('today.rejected', { n: data.counts.rejected })}</a>
        </p>
      )}
      <p class="greeting">{t('today.greeting', { name: user.name })}</p>
      <label class="search">
        <span class="visually-hidden">{t('today.search')}</span>
        <input type="search" placeholder={t('today.searchHint')} value={query} onInput={(e) => setQuery((e.currentTarget as HTMLInputElement).value)} />
      </label>
      {data && data.total === 0 && <p class="muted">{syncStatus().lastPullAt ? t('today.empty') : t('today.syncing')}</p>}
      {data && data.total > 0 && found === 0 && <p class="muted">{t('today.none')}</p>}
      {data &&
        found > 0 &&
        PARTS.map(({ part, title }) => {
          const leads = shown(part)
          if (leads.length === 0 && (part !== 'today' || query)) return null
          return (
            <div class="today-part" data-part={part} key={part}>
              <h2>{t(title)}</h2>
              {leads.length === 0 && <p class="muted">{t('today.noneToday')}</p>}
              <ul class="leads">
                {leads.map((lead) => (
                  <Row key={lead.id} lead={lead} part={part} logged={data.logged.has(lead.id)} />
                ))}
              </ul>
            </div>
          )
        })}
    </main>
  )
}

/** When the visit is planned, as this part of Today needs it said. */
function when(lead: LeadSync, part: Part): string | null {
  const at = lead.planned_visit_at
  if (!at) return null
  if (part === 'today') return formatTime(at)
  if (part === 'next') return formatDayTime(at)
  if (part === 'overdue') return t('today.plannedOn', { day: formatDay(at) })
  return formatDay(at)
}

function Row({ lead, part, logged }: { lead: LeadSync; part: Part; logged: boolean }) {
  const at = when(lead, part)
  return (
    <li>
      <a class="lead-row" href={`/lead/${lead.id}`}>
        <span class="lead-main">
          <strong>{lead.company}</strong>
          <span class="muted">
            {lead.postal_code} {lead.city}
          </span>
        </span>
        <span class="lead-side">
          {at && (
            <span class={part === 'overdue' ? 'pill late' : 'pill'} data-testid="when">
              {at}
            </span>
          )}
          {logged && (
            <span class="pill ok" data-testid="logged-mark">
              <CheckIcon /> {t('today.logged')}
            </span>
          )}
          {part === 'rest' && !logged && !at && <span class="muted small">{t('today.priority', { n: lead.priority })}</span>}
        </span>
      </a>
    </li>
  )
}

function CheckIcon() {
  return (
    <svg class="icon" width="12" height="12" viewBox="0 0 12 12" aria-hidden="true" focusable="false">
      <path d="M2 6.5 5 9.5 10 3" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" />
    </svg>
  )
}
