// The outcome donut's numbers: each code's visits and share with its n, each opening its visits.
import type { Summary } from '../api'
import { visitsHref, type DashFilters } from '../filters'
import { ct, fmtInt, fmtPct } from '../i18n'

export function MixTable({ totals, filters }: { totals: Summary['totals']; filters: DashFilters }) {
  const rows = totals.codes.filter((c) => c.count > 0)
  return (
    <table data-testid="mix-table" class="compact">
      <thead>
        <tr>
          <th>{ct('col.outcome')}</th>
          <th class="num">{ct('col.visits')}</th>
          <th class="num">{ct('col.share')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((c) => (
          <tr key={c.code} data-code={c.code}>
            <td>{c.label}</td>
            <td class="num">
              <a href={visitsHref(filters, { code: c.code })}>{ct('mix.count', { count: fmtInt(c.count), n: fmtInt(totals.visits) })}</a>
            </td>
            <td class="num">
              {fmtPct(c.share)} <span class="muted small">{ct('stats.n', { n: fmtInt(totals.visits) })}</span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
