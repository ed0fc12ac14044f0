// The period against the previous one of the same length: each share's change with its 95 %
// interval, coloured only when the interval excludes zero, "not enough visits yet" below the
// minimum. A change says a share moved, not why.
import { useLanguage } from '../../i18n/hook'
import { consoleApi, type RateChange } from '../api'
import type { DashFilters } from '../filters'
import { ct, fmtDate, fmtInt, fmtPct, fmtPoints } from '../i18n'
import { Loadable, useAsync } from '../ui'

export function CompareToggle({ on, onChange }: { on: boolean; onChange: (on: boolean) => void }) {
  return (
    <label class="inline compare-toggle">
      <input type="checkbox" checked={on} onChange={(e) => onChange((e.currentTarget as HTMLInputElement).checked)} /> {ct('compare.toggle')}
    </label>
  )
}

function metricLabel(r: RateChange): string {
  if (r.metric === 'code_share') return ct('compare.share', { label: r.label })
  return ct(r.metric === 'conversion' ? 'compare.conversion' : 'compare.follow_up_rate')
}

function Rate({ value, k, n }: { value: number | null; k: number; n: number }) {
  return (
    <>
      {fmtPct(value)} <span class="muted small">{ct('stats.kOfN', { k: fmtInt(k), n: fmtInt(n) })}</span>
    </>
  )
}

function ChangeCell({ r }: { r: RateChange }) {
  if (r.verdict === 'too_few') {
    return (
      <td class="num muted" data-verdict="too_few">
        {ct('stats.tooFew')}
      </td>
    )
  }
  const tone = r.verdict === 'above' ? 'up' : r.verdict === 'below' ? 'down' : ''
  return (
    <td class={`num ${tone}`} data-verdict={r.verdict} title={ct(`compare.verdict.${r.verdict}`)}>
      {fmtPoints(r.delta)}
      <span class="muted small interval">{ct('stats.interval', { low: fmtPoints(r.delta_low), high: fmtPoints(r.delta_high) })}</span>
    </td>
  )
}

export function ComparePanel({ filters }: { filters: DashFilters }) {
  const lang = useLanguage()
  const key = JSON.stringify(filters)
  const answer = useAsync(() => consoleApi.compare({ ...filters, lang }), [key, lang])
  return (
    <section class="panel" aria-labelledby="dash-compare" data-testid="compare-panel">
      <Loadable state={answer}>
        {(c) => (
          <>
            <h2 id="dash-compare">{ct('compare.title', { from: fmtDate(c.previous.first_day), to: fmtDate(c.previous.last_day) })}</h2>
            <div class="table-wrap">
              <table data-testid="compare-table">
                <thead>
                  <tr>
                    <th>{ct('compare.metric')}</th>
                    <th class="num">{ct('compare.now')}</th>
                    <th class="num">{ct('compare.before')}</th>
                    <th class="num">{ct('compare.change')}</th>
                  </tr>
                </thead>
                <tbody>
                  <tr data-metric="visits">
                    <td>{ct('compare.visits')}</td>
                    <td class="num">{fmtInt(c.current.visits)}</td>
                    <td class="num">{fmtInt(c.previous.visits)}</td>
                    <td class="num">{(c.current.visits - c.previous.visits >= 0 ? '+' : '') + fmtInt(c.current.visits - c.previous.visits)}</td>
                  </tr>
                  {c.rates.map((r) => (
                    <tr key={`${r.metric}-${r.code}`} data-metric={r.metric} data-code={r.code}>
                      <td>{metricLabel(r)}</td>
                      <td class="num">
                        <Rate value={r.current} k={r.current_k} n={r.current_n} />
                      </td>
                      <td class="num">
                        <Rate value={r.previous} k={r.previous_k} n={r.previous_n} />
                      </td>
                      <ChangeCell r={r} />
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <p class="muted small">{ct('compare.note')}</p>
          </>
        )}
      </Loadable>
    </section>
  )
}
