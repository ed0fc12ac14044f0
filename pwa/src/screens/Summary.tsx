import { t } from '../i18n'
import { daySummary, outcomeCodes } from '../offline/content'
import type { SessionUser } from '../offline/session'
import { codeLabel, formatNumber } from './format'
import { useLive } from './live'

/** Today's and this week's visits by outcome, from this phone: nothing to type. */
export function Summary({ user }: { user: SessionUser }) {
  const data = useLive(async () => ({ s: await daySummary(user.id), codes: await outcomeCodes() }), [user.id])
  if (!data) return <main class="screen with-tabs" aria-busy="true" />
  const { s, codes } = data
  const block = (title: string, counts: Record<string, number>, total: number) => (
    <section class="card">
      <h2>
        {title} <span class="muted">· {t('summary.total', { n: formatNumber(total) })}</span>
      </h2>
      {total === 0 ? (
        <p class="muted">{t('summary.empty')}</p>
      ) : (
        <dl class="counts">
          {Object.entries(counts)
            .sort((a, b) => b[1] - a[1])
            .map(([code, n]) => (
              <div key={code}>
                <dt>{codeLabel(code, codes)}</dt>
                <dd>{formatNumber(n)}</dd>
              </div>
            ))}
        </dl>
      )}
    </section>
  )
  return (
    <main class="screen with-tabs">
      <header class="bar">
        <h1>{t('summary.title')}</h1>
      </header>
      {block(t('summary.today'), s.today, s.todayTotal)}
      {block(t('summary.week'), s.week, s.weekTotal)}
    </main>
  )
}
