// A lead's history on its console page: every visit (when, rep, outcome, details, note,
// collateral shown with seconds and pages), the signals about it, and the collateral it saw.
import { useLanguage } from '../../i18n/hook'
import { consoleApi } from '../api'
import { ct, fmtDateTime, fmtInt } from '../i18n'
import { Loadable, useAsync } from '../ui'
import { VisitTable } from './Visits'

export function LeadHistory({ id }: { id: string }) {
  const lang = useLanguage()
  const history = useAsync(() => consoleApi.leadHistory(id, lang), [id, lang])
  return (
    <section class="panel" aria-labelledby="lead-history" data-testid="lead-history">
      <h2 id="lead-history">{ct('history.title')}</h2>
      <Loadable state={history}>
        {(h) => (
          <>
            <h3>
              {ct('history.visits')} <span class="muted small">({fmtInt(h.visits_total)})</span>
            </h3>
            {h.visits.length === 0 ? <p class="muted">{ct('history.none')}</p> : <VisitTable rows={h.visits} showLead={false} />}
            {h.visits_total > h.visits.length && <p class="muted small">{ct('history.more', { shown: fmtInt(h.visits.length), total: fmtInt(h.visits_total) })}</p>}
            <div class="two-col">
              <div>
                <h3>{ct('history.collateral')}</h3>
                {h.collateral.length === 0 ? (
                  <p class="muted">{ct('common.empty')}</p>
                ) : (
                  <ul class="plain" data-testid="lead-collateral">
                    {h.collateral.map((c) => (
                      <li key={c.collateral_id}>
                        <strong>{c.title || ct('common.none')}</strong> <span class="muted">{ct('history.shownIn', { n: fmtInt(c.visits), s: fmtInt(c.seconds) })}</span>
                        {c.pages.length > 0 && <span class="muted"> · {ct('history.pages', { pages: c.pages.join(', ') })}</span>}
                        <span class="muted"> · {ct('history.lastShown', { date: fmtDateTime(c.last_shown_at) })}</span>
                      </li>
                    ))}
                  </ul>
                )}
              </div>
              <div>
                <h3>{ct('history.signals')}</h3>
                {h.signals.length === 0 ? (
                  <p class="muted">{ct('history.noSignals')}</p>
                ) : (
                  <ul class="signal-mini" data-testid="lead-signals">
                    {h.signals.map((s) => (
                      <li key={s.id}>
                        <span class="chip">{ct(`signals.kind.${s.kind}` as 'signals.kind.other')}</span> {s.text}
                        <span class="muted">
                          {' '}
                          — {s.rep.name}, {fmtDateTime(s.occurred_at)}
                        </span>
                      </li>
                    ))}
                  </ul>
                )}
              </div>
            </div>
          </>
        )}
      </Loadable>
    </section>
  )
}
