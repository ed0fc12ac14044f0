import { useState } from 'preact/hooks'
import { t } from '../i18n'
import { allLeads, isPlannedToday, loggedToday, matchesSearch, sortForToday } from '../offline/content'
import { pendingCount } from '../offline/outbox'
import type { SessionUser } from '../offline/session'
import { syncStatus } from '../offline/sync'
import { formatTime } from './format'
import { useLive } from './live'

interface Props {
  user: SessionUser
}

/** Today's visits first, then by priority; search by company, city or postal code. */
export function Today({ user }: Props) {
  const [query, setQuery] = useState('')
  const data = useLive(async () => {
    const [leads, counts] = await Promise.all([allLeads(), pendingCount(user.id)])
    const logged = await loggedToday(user.id, leads)
    return { leads: sortForToday(leads), logged, counts }
  }, [user.id])
  const leads = data?.leads.filter((l) => matchesSearch(l, query)) ?? []

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
        <input type="search" placeholder={t('today.search')} value={query} onInput={(e) => setQuery((e.currentTarget as HTMLInputElement).value)} />
      </label>
      {data && data.leads.length === 0 && <p class="muted">{syncStatus().lastPullAt ? t('today.empty') : t('today.syncing')}</p>}
      {data && data.leads.length > 0 && leads.length === 0 && <p class="muted">{t('today.none')}</p>}
      <ul class="leads">
        {leads.map((lead) => {
          const logged = data?.logged.has(lead.id)
          return (
            <li key={lead.id}>
              <a class="lead-row" href={`/lead/${lead.id}`}>
                <span class="lead-main">
                  <strong>{lead.company}</strong>
                  <span class="muted">
                    {lead.postal_code} {lead.city}
                  </span>
                </span>
                <span class="lead-side">
                  {isPlannedToday(lead) && lead.planned_visit_at && <span class="pill">{t('today.planned', { time: formatTime(lead.planned_visit_at) })}</span>}
                  {logged && (
                    <span class="pill ok" data-testid="logged-mark">
                      ✓ {t('today.logged')}
                    </span>
                  )}
                  {!isPlannedToday(lead) && !logged && <span class="muted small">{t('today.priority', { n: lead.priority })}</span>}
                </span>
              </a>
            </li>
          )
        })}
      </ul>
    </main>
  )
}
