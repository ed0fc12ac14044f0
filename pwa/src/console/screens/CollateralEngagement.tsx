// One collateral item's engagement for the dashboard's filters: in how many visits it was
// shown, how long, which pages (heat strip), the reps' thumbs and how those visits went.
import { useLanguage } from '../../i18n/hook'
import { consoleApi, type CollateralEngagement as Engagement } from '../api'
import { filtersFrom, visitsHref, type DashFilters } from '../filters'
import { HeatStrip, SecondsBars } from '../HeatStrip'
import { ct, fmtDate, fmtInt, fmtPct } from '../i18n'
import { go, href, useLoc } from '../nav'
import { Loadable, useAsync, useLookups } from '../ui'

type Share = Engagement['won']

/** Where the engagement screen of an item is, with the filters it should be read under. */
export function engagementHref(id: string, filters: DashFilters = {}): string {
  return href(`/collateral/${id}`, filters)
}

/** A figure's tile; with `to`, its value opens the visits behind it. */
function Tile({ label, value, sub, testid, to }: { label: string; value: string; sub?: string; testid: string; to?: string }) {
  return (
    <div class="tile" data-testid={testid}>
      <span class="tile-label">{label}</span>
      <strong class="tile-value">{to ? <a href={to}>{value}</a> : value}</strong>
      {sub && <span class="tile-sub muted">{sub}</span>}
    </div>
  )
}

function interval(s: Share): string {
  if (s.share_low == null || s.share_high == null) return ''
  return ct('stats.interval', { low: fmtPct(s.share_low), high: fmtPct(s.share_high) })
}

function Period({ id, filters, effective }: { id: string; filters: DashFilters; effective: { from: string; to: string } }) {
  const set = (key: 'from' | 'to', value: string) => go(engagementHref(id, { ...filters, [key]: value || undefined }))
  return (
    <form class="filters" aria-label={ct('filters.title')} onSubmit={(e) => e.preventDefault()}>
      <div class="field">
        <label for="e-from">{ct('filters.from')}</label>
        <input id="e-from" type="date" value={filters.from ?? effective.from} onChange={(e) => set('from', (e.currentTarget as HTMLInputElement).value)} />
      </div>
      <div class="field">
        <label for="e-to">{ct('filters.to')}</label>
        <input id="e-to" type="date" value={filters.to ?? effective.to} onChange={(e) => set('to', (e.currentTarget as HTMLInputElement).value)} />
      </div>
    </form>
  )
}

/** The dashboard filters besides the period that these figures are read under, in words. */
function Scope({ id, filters }: { id: string; filters: DashFilters }) {
  const lookups = useLookups()
  const [reps, , campaigns] = lookups.data ?? [[], null, []]
  const named: string[] = []
  if (filters.campaign_id) named.push(`${ct('filters.campaign')}: ${campaigns.find((c) => c.id === filters.campaign_id)?.name ?? '…'}`)
  if (filters.region) named.push(`${ct('filters.region')}: ${filters.region}`)
  if (filters.segment) named.push(`${ct('filters.segment')}: ${filters.segment}`)
  if (filters.team) named.push(`${ct('filters.team')}: ${filters.team}`)
  if (filters.rep_id) named.push(`${ct('filters.rep')}: ${reps.find((r) => r.id === filters.rep_id)?.name ?? '…'}`)
  if (named.length === 0) return null
  return (
    <p data-testid="eng-filters">
      {ct('eng.filteredBy', { list: named.join(' · ') })}{' '}
      <a href={engagementHref(id, { from: filters.from, to: filters.to })}>{ct('filters.reset')}</a>
    </p>
  )
}

function Outcomes({ e, filters }: { e: Engagement; filters: DashFilters }) {
  if (e.outcomes.length === 0) return <p class="muted">{ct('eng.none')}</p>
  return (
    <table data-testid="engagement-outcomes">
      <thead>
        <tr>
          <th>{ct('col.outcome')}</th>
          <th class="num">{ct('col.visits')}</th>
          <th class="num">{ct('col.share')}</th>
          <th class="num">{ct('col.interval')}</th>
        </tr>
      </thead>
      <tbody>
        {e.outcomes.map((o) => (
          <tr key={o.code} data-code={o.code}>
            <td>{o.label}</td>
            <td class="num">
              <a href={visitsHref(filters, { collateral_id: e.collateral_id, code: o.code })}>{fmtInt(o.count)}</a>
            </td>
            <td class="num">
              {fmtPct(o.share)} <span class="muted small">{ct('stats.n', { n: fmtInt(e.visits) })}</span>
            </td>
            <td class="num muted small">
              {fmtPct(o.share_low)} – {fmtPct(o.share_high)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

function Body({ e, filters }: { e: Engagement; filters: DashFilters }) {
  const thumbs = e.fit_up + e.fit_down
  return (
    <>
      <div class="tiles">
        <Tile testid="eng-visits" label={ct('eng.shown')} value={fmtInt(e.visits)} to={visitsHref(filters, { collateral_id: e.collateral_id })} />
        <Tile testid="eng-median" label={ct('eng.median')} value={e.median_seconds == null ? ct('common.none') : `${e.median_seconds} s`} sub={ct('eng.medianNote')} />
        <Tile testid="eng-thumbs" label={ct('eng.thumbs')} value={`${fmtInt(e.fit_up)} / ${fmtInt(e.fit_down)}`} sub={ct('eng.thumbsOf', { n: fmtInt(thumbs), visits: fmtInt(e.visits) })} />
        <Tile testid="eng-won" label={ct('eng.won')} value={fmtPct(e.won.share)} sub={`${ct('stats.kOfN', { k: fmtInt(e.won.count), n: fmtInt(e.visits) })} · ${interval(e.won)}`} />
      </div>
      <section class="panel" aria-labelledby="eng-pages">
        <h2 id="eng-pages">{ct('eng.pages')}</h2>
        <HeatStrip pages={e.pages} visits={e.visits} />
        <p class="muted small">{ct('eng.pagesNote')}</p>
      </section>
      <div class="two-col">
        <section class="panel" aria-labelledby="eng-seconds">
          <h2 id="eng-seconds">{ct('eng.seconds')}</h2>
          <SecondsBars buckets={e.seconds} />
        </section>
        <section class="panel" aria-labelledby="eng-outcomes">
          <h2 id="eng-outcomes">{ct('eng.outcomes')}</h2>
          <Outcomes e={e} filters={filters} />
        </section>
      </div>
      <p class="muted small">{ct('eng.note')}</p>
      <p>
        <a href={href('/', filters)}>{ct('eng.back')}</a>
      </p>
    </>
  )
}

export function CollateralEngagement({ id }: { id: string }) {
  const lang = useLanguage()
  const loc = useLoc()
  const filters = filtersFrom(loc.query)
  const key = JSON.stringify(filters)
  const state = useAsync(() => consoleApi.engagement(id, { ...filters, lang }), [id, key, lang])
  return (
    <div class="engagement">
      <Loadable state={state}>
        {(e) => (
          <>
            <div class="page-head">
              <h1>{e.title}</h1>
              <a class="button secondary" href={href(`/campaigns/${e.campaign_id}`)}>
                {ct('eng.campaign', { name: e.campaign_name })}
              </a>
            </div>
            <p class="muted" data-testid="eng-scope">
              {ct(`collateral.kind.${e.kind}` as 'collateral.kind.pdf')} · {fmtDate(e.filters.from)} – {fmtDate(e.filters.to)}
              {!e.is_current && ` · ${ct('eng.notCurrent')}`}
            </p>
            <Period id={id} filters={filters} effective={{ from: e.filters.from, to: e.filters.to }} />
            <Scope id={id} filters={filters} />
            <Body e={e} filters={filters} />
          </>
        )}
      </Loadable>
    </div>
  )
}
