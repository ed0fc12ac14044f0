// Counter-collateral: per item answering objections, how the lead's next visit after such an
// objection went with the item shown there and without it. Won shares with their n, the
// difference with its 95 % interval, coloured only when the interval excludes zero.
import { request } from '../../api/client'
import type { components } from '../../api/schema'
import { chipLabel } from '../../i18n'
import type { DashFilters } from '../filters'
import { ct, fmtInt, fmtPct, fmtPoints } from '../i18n'
import { href } from '../nav'
import { Loadable, useAsync } from '../ui'

type CounterInsights = components['schemas']['CounterInsights']
type CounterFigures = components['schemas']['CounterFigures']

function Side({ share, won, n }: { share: number | null; won: number; n: number }) {
  return (
    <>
      {fmtPct(share)} <span class="muted small">{ct('counters.wonOf', { k: fmtInt(won), n: fmtInt(n) })}</span>
    </>
  )
}

function Difference({ row }: { row: CounterFigures }) {
  if (row.verdict === 'too_few') {
    return (
      <td class="num muted" data-verdict="too_few">
        {ct('stats.tooFew')}
      </td>
    )
  }
  const tone = row.verdict === 'above' ? 'up' : row.verdict === 'below' ? 'down' : ''
  return (
    <td class={`num ${tone}`} data-verdict={row.verdict} title={ct(`stats.verdict.${row.verdict}`)}>
      {fmtPoints(row.difference)}
      <br />
      <span class="muted small interval">{ct('stats.interval', { low: fmtPoints(row.difference_low), high: fmtPoints(row.difference_high) })}</span>
    </td>
  )
}

export function CounterPanel({ filters }: { filters: DashFilters }) {
  const key = JSON.stringify(filters)
  const data = useAsync(() => request<CounterInsights>('get', '/api/v1/insights/counters', undefined, { query: filters }), [key])
  return (
    <section class="panel" id="dash-counters" aria-labelledby="dash-counters-h">
      <h2 id="dash-counters-h">{ct('counters.title')}</h2>
      <p class="muted small">{ct('counters.note')}</p>
      <Loadable state={data}>
        {(d) =>
          d.items.length === 0 ? (
            <p class="muted">{ct('counters.none')}</p>
          ) : (
            <div class="table-wrap">
              <table data-testid="counter-table">
                <thead>
                  <tr>
                    <th>{ct('col.title')}</th>
                    <th>{ct('counters.answersCol')}</th>
                    <th class="num">{ct('counters.objectionVisits')}</th>
                    <th class="num">{ct('counters.shown')}</th>
                    <th class="num">{ct('counters.notShown')}</th>
                    <th class="num">{ct('counters.difference')}</th>
                  </tr>
                </thead>
                <tbody>
                  {d.items.map((r) => (
                    <tr key={r.collateral_id}>
                      <td>
                        <a href={href(`/campaigns/${r.campaign_id}`)}>{r.title}</a> <span class="muted small">{r.campaign_name}</span>
                      </td>
                      <td>{r.answers.map((c) => chipLabel(c)).join(', ')}</td>
                      <td class="num">
                        {fmtInt(r.objection_visits)}
                        {r.awaiting_next_visit > 0 && <span class="muted small"> {ct('counters.awaiting', { n: fmtInt(r.awaiting_next_visit) })}</span>}
                      </td>
                      <td class="num">
                        <Side share={r.won_share_shown} won={r.shown_won} n={r.shown_visits} />
                      </td>
                      <td class="num">
                        <Side share={r.won_share_not_shown} won={r.not_shown_won} n={r.not_shown_visits} />
                      </td>
                      <Difference row={r} />
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Loadable>
    </section>
  )
}
