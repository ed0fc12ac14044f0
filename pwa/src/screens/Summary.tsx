import { useState } from 'preact/hooks'
import { chipLabel, t } from '../i18n'
import { reportSource } from '../offline/report'
import type { SessionUser } from '../offline/session'
import type { OutcomeCodeSync } from '../offline/types'
import { codeLabel, formatDay, formatTime, kindLabel } from './format'
import { useLive } from './live'
import {
  buildReport,
  countsLine,
  followUpWhen,
  periodTitle,
  placeLine,
  reportText,
  shownLine,
  signalStatus,
  signalWords,
  type Period,
  type Report,
  type ReportVisit,
} from './report'
import { shareText, type Shared } from './share'

/** The day's (or week's) report, written from the rep's taps on this phone: nothing to type.
 * One tap shares it as text (the system's share sheet, or the clipboard where there is none). */
export function Summary({ user }: { user: SessionUser }) {
  const [period, setPeriod] = useState<Period>('day')
  const [shared, setShared] = useState<Shared>(null)
  const src = useLive(() => reportSource(user.id), [user.id])
  if (!src) return <main class="screen with-tabs" aria-busy="true" />
  const report = buildReport(src, period)
  const text = reportText(report, src.codes, user.name)

  async function share() {
    setShared(await shareText(periodTitle(report), text))
  }

  return (
    <main class="screen with-tabs report">
      <header class="bar">
        <h1>{t('summary.title')}</h1>
      </header>
      <div class="segmented" role="group" aria-label={t('report.period')}>
        {(['day', 'week'] as const).map((p) => (
          <button
            key={p}
            type="button"
            aria-pressed={period === p}
            onClick={() => {
              setPeriod(p)
              setShared(null)
            }}
          >
            {t(`report.${p}`)}
          </button>
        ))}
      </div>
      <section>
        <h2>{periodTitle(report)}</h2>
        <p data-testid="report-counts">{countsLine(report, src.codes)}</p>
        <button type="button" class="primary share" onClick={share}>
          <ShareIcon /> {t('report.share')}
        </button>
        <p role="status" class="quiet" data-testid="share-status">
          {shared === 'copied' ? t('report.copied') : shared === 'failed' ? t('report.shareFailed') : ''}
        </p>
      </section>
      {report.visits.length > 0 && <Visits report={report} codes={src.codes} />}
      <section>
        <h2>{t('report.followUps')}</h2>
        {report.followUps.length === 0 && <p class="muted">{t('report.noFollowUps')}</p>}
        <ul class="report-list" data-testid="follow-ups">
          {report.followUps.map((f) => (
            <li key={f.leadId}>
              <span class="when">{followUpWhen(f, report)}</span> <a href={`/lead/${f.leadId}`}>{placeLine(f)}</a>
            </li>
          ))}
        </ul>
      </section>
      {report.signals.length > 0 && (
        <section>
          <h2>{t('report.signals')}</h2>
          <ul class="report-list" data-testid="report-signals">
            {report.signals.map((s) => (
              <li key={s.id}>
                <span class="when">{period === 'day' ? formatTime(s.occurredAt) : `${formatDay(s.occurredAt)}, ${formatTime(s.occurredAt)}`}</span>{' '}
                <strong>{kindLabel(s.kind)}</strong>
                {s.company && <span>, {s.company}</span>} <span class="pill">{signalStatus(s)}</span>
                {signalWords(s) && <p>{t('report.quoted', { text: signalWords(s)! })}</p>}
                {s.reply && <p class="reply">{t('signals.reply', { text: s.reply })}</p>}
              </li>
            ))}
          </ul>
        </section>
      )}
    </main>
  )
}

function Visits({ report, codes }: { report: Report; codes: OutcomeCodeSync[] }) {
  return (
    <section>
      <h2>{t('report.visitsHeading')}</h2>
      <ul class="report-list" data-testid="report-visits">
        {report.visits.map((v, i) => {
          const newDay = report.period === 'week' && (i === 0 || formatDay(report.visits[i - 1]!.occurredAt) !== formatDay(v.occurredAt))
          return <Visit key={v.id} visit={v} codes={codes} day={newDay ? formatDay(v.occurredAt) : null} />
        })}
      </ul>
    </section>
  )
}

function Visit({ visit: v, codes, day }: { visit: ReportVisit; codes: OutcomeCodeSync[]; day: string | null }) {
  return (
    <li class="report-visit">
      {day && <h3>{day}</h3>}
      <p class="report-line">
        <span class="when">{formatTime(v.occurredAt)}</span>{' '}
        {v.company === null ? <span>{placeLine(v)}</span> : <a href={`/lead/${v.leadId}`}>{placeLine(v)}</a>}
      </p>
      <p class="chips-line">
        <span class="pill ok">{codeLabel(v.code, codes)}</span>
        {v.details.map((d) => (
          <span class="pill" key={d}>
            {chipLabel(d)}
          </span>
        ))}
      </p>
      {v.shown.length > 0 && (
        <p class="small">
          {t('report.shown')}: {shownLine(v)}
        </p>
      )}
      {v.note.trim() && (
        <p class="small">
          {t('report.note')}: {v.note.trim()}
        </p>
      )}
    </li>
  )
}

function ShareIcon() {
  return (
    <svg class="icon" width="18" height="18" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path
        d="M12 3v12M7 8l5-5 5 5M5 13v6a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2v-6"
        fill="none"
        stroke="currentColor"
        stroke-width="2"
        stroke-linecap="round"
        stroke-linejoin="round"
      />
    </svg>
  )
}
