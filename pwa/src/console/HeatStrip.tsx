// Compact pictures of one item's engagement, in plain HTML and CSS (no chart library): a strip
// with one cell per PDF page, darker where the page was shown in more visits, and bars for the
// viewing-time buckets.
import type { CollateralEngagement } from './api'
import { ct, fmtInt } from './i18n'

type PageCount = CollateralEngagement['pages'][number]
type SecondsCount = CollateralEngagement['seconds'][number]

/** More cells than this would not be a strip; later pages are summed up in a line below. */
export const MAX_CELLS = 120

/** Page 1 up to the last page shown, gaps included (a page nobody showed is information). */
export function stripCells(pages: PageCount[]): { page: number; visits: number }[] {
  const counts = new Map(pages.map((p) => [p.page, p.visits]))
  const last = Math.min(MAX_CELLS, pages.reduce((m, p) => Math.max(m, p.page), 0))
  return Array.from({ length: last }, (_, i) => ({ page: i + 1, visits: counts.get(i + 1) ?? 0 }))
}

export function HeatStrip({ pages, visits }: { pages: PageCount[]; visits: number }) {
  const cells = stripCells(pages)
  if (cells.length === 0) return <p class="muted">{ct('eng.noPages')}</p>
  const top = Math.max(1, ...cells.map((c) => c.visits))
  const beyond = pages.filter((p) => p.page > MAX_CELLS)
  return (
    <>
      <ol class="heat-strip" data-testid="heat-strip" aria-label={ct('eng.pages')}>
        {cells.map((c) => {
          const words = ct('eng.page', { page: c.page, k: fmtInt(c.visits), n: fmtInt(visits) })
          return (
            <li key={c.page} class={c.visits / top > 0.55 ? 'hot' : undefined} data-page={c.page} data-visits={c.visits} title={words} aria-label={words} style={{ '--heat': String(c.visits / top) }}>
              <span class="heat-page">{c.page}</span>
              <span class="heat-n">{fmtInt(c.visits)}</span>
            </li>
          )
        })}
      </ol>
      {beyond.length > 0 && <p class="muted small">{ct('eng.pagesBeyond', { max: MAX_CELLS, pages: fmtInt(beyond.length) })}</p>}
    </>
  )
}

function bucketLabel(buckets: SecondsCount[], i: number): string {
  const next = buckets[i + 1]
  if (!next) return ct('eng.bucketLast', { low: buckets[i]!.seconds })
  return ct('eng.bucket', { low: buckets[i]!.seconds, high: next.seconds - 1 })
}

/** Viewing time per bucket, from the first bucket to the last one with a visit. */
export function SecondsBars({ buckets }: { buckets: SecondsCount[] }) {
  let last = -1
  buckets.forEach((b, i) => {
    if (b.visits > 0) last = i
  })
  if (last < 0) return <p class="muted">{ct('common.none')}</p>
  const top = Math.max(...buckets.map((b) => b.visits))
  return (
    <table class="seconds-bars" data-testid="seconds-bars">
      <thead>
        <tr>
          <th>{ct('eng.secondsCol')}</th>
          <th class="num">{ct('col.visits')}</th>
          <th aria-hidden="true" />
        </tr>
      </thead>
      <tbody>
        {buckets.slice(0, last + 1).map((b, i) => (
          <tr key={b.seconds}>
            <td>{bucketLabel(buckets, i)}</td>
            <td class="num">{fmtInt(b.visits)}</td>
            <td class="bar-cell" aria-hidden="true">
              {b.visits > 0 && <span class="bar" style={{ width: `${(b.visits / top) * 100}%` }} />}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
