// The field's verdict: KPI tiles, weekly trend, outcome mix, campaign / collateral / objection
// tables and open signals, all for the filters in the URL.
import { useEffect, useRef, useState } from 'preact/hooks'
import { chipLabel } from '../../i18n'
import { useLanguage } from '../../i18n/hook'
import { consoleApi, type CollateralFigures, type Summary } from '../api'
import type { Chart, Series } from '../charts'
import { csvHref, defaultSeparator, filtersFrom, visitsHref, weekFilters, xlsxHref, type DashFilters, type FilterKey, type Separator } from '../filters'
import { ct, fmtDate, fmtDateTime, fmtInt, fmtPct, fmtPoints } from '../i18n'
import { go, href, useLoc } from '../nav'
import { FilterSelect, Loadable, toOptions, useAsync, useLookups } from '../ui'
import { CounterPanel } from './Counters'
import { SortIcon } from '../../screens/icons'
import { engagementHref } from './CollateralEngagement'
import { ExpiringPanel } from './CollateralFreshness'
import { MixTable } from './OutcomeMix'
import { ComparePanel, CompareToggle } from './PeriodCompare'

/** The dashboard filters; `path` and `keep` (query kept on every change) let the drill-down reuse them. */
export function Filters({ filters, effective, path = '/', keep }: { filters: DashFilters; effective?: { from: string; to: string }; path?: string; keep?: Record<string, string | undefined> }) {
  const lookups = useLookups()
  const set = (key: FilterKey, value: string) => go(href(path, { ...keep, ...filters, [key]: value || undefined }))
  const [reps, facets, campaigns] = lookups.data ?? [[], { regions: [], segments: [], teams: [] }, []]
  return (
    <form class="filters" aria-label={ct('filters.title')} onSubmit={(e) => e.preventDefault()}>
      <div class="field">
        <label for="f-from">{ct('filters.from')}</label>
        <input id="f-from" type="date" value={filters.from ?? effective?.from ?? ''} onChange={(e) => set('from', (e.currentTarget as HTMLInputElement).value)} />
      </div>
      <div class="field">
        <label for="f-to">{ct('filters.to')}</label>
        <input id="f-to" type="date" value={filters.to ?? effective?.to ?? ''} onChange={(e) => set('to', (e.currentTarget as HTMLInputElement).value)} />
      </div>
      <FilterSelect id="f-campaign" label={ct('filters.campaign')} value={filters.campaign_id ?? ''} options={campaigns.map((c) => ({ value: c.id, label: c.name }))} onChange={(v) => set('campaign_id', v)} />
      <FilterSelect id="f-region" label={ct('filters.region')} value={filters.region ?? ''} options={toOptions(facets.regions)} onChange={(v) => set('region', v)} />
      <FilterSelect id="f-segment" label={ct('filters.segment')} value={filters.segment ?? ''} options={toOptions(facets.segments)} onChange={(v) => set('segment', v)} />
      <FilterSelect id="f-team" label={ct('filters.team')} value={filters.team ?? ''} options={toOptions(facets.teams)} onChange={(v) => set('team', v)} />
      <FilterSelect id="f-rep" label={ct('filters.rep')} value={filters.rep_id ?? ''} options={reps.map((r) => ({ value: r.id, label: r.name }))} onChange={(v) => set('rep_id', v)} />
      {Object.keys(filters).length > 0 && (
        <a class="button secondary reset" href={href(path, keep)}>
          {ct('filters.reset')}
        </a>
      )}
    </form>
  )
}

function Tile({ label, value, sub, testid, to }: { label: string; value: string; sub?: string; testid: string; to?: string }) {
  return (
    <div class="tile" data-testid={testid}>
      <span class="tile-label">{label}</span>
      <strong class="tile-value">{to ? <a href={to} title={ct('drill.open')}>{value}</a> : value}</strong>
      {sub && <span class="tile-sub muted">{sub}</span>}
    </div>
  )
}

/** Draws with Chart.js, which is fetched on first use only. */
function ChartCanvas({ label, draw, deps }: { label: string; draw: (charts: typeof import('../charts'), canvas: HTMLCanvasElement) => Chart; deps: unknown[] }) {
  const canvas = useRef<HTMLCanvasElement>(null)
  const [failed, setFailed] = useState(false)
  useEffect(() => {
    let chart: Chart | undefined
    let gone = false
    import('../charts').then(
      (charts) => {
        if (!gone && canvas.current) chart = draw(charts, canvas.current)
      },
      () => setFailed(true),
    )
    return () => {
      gone = true
      chart?.destroy()
    }
  }, deps)
  return (
    <div class="chart-box">
      {failed ? <p class="error">{ct('dash.chartFailed')}</p> : <canvas ref={canvas} role="img" aria-label={label} />}
    </div>
  )
}

function trendSeries(summary: Summary): { weeks: string[]; series: Series[] } {
  const weeks = summary.trend.map((w) => w.week)
  const series = summary.totals.codes.map((c) => ({ code: c.code, label: c.label, values: summary.trend.map((w) => w.counts[c.code] ?? 0) }))
  return { weeks: weeks.map((w) => fmtDate(w)), series }
}

type SortKey = 'lift' | 'viewed_visits'

/** The n behind a share of all visits: "12 of 250 visits". */
function ofVisits(totals: Summary['totals'], code: string): string {
  const k = totals.codes.find((c) => c.code === code)?.count ?? 0
  return ct('stats.kOfN', { k: fmtInt(k), n: fmtInt(totals.visits) })
}

/** A lift below the minimum sample sorts with the rows that have none. */
function sortValue(row: CollateralFigures, key: SortKey): number | null {
  if (key === 'lift' && row.lift_verdict === 'too_few') return null
  return row[key]
}

/** A share with the number of visits it stands on. */
function Share({ value, n }: { value: number | null; n: number }) {
  return (
    <>
      {fmtPct(value)} <span class="muted small">{ct('stats.n', { n: fmtInt(n) })}</span>
    </>
  )
}

/** The lift with its 95 % interval; coloured only when the interval excludes zero. */
/** A campaign row's visits; the row of visits outside any campaign has its own figure. */
function campaignVisits(filters: DashFilters, campaignId: string | null | undefined, code?: string): string {
  return campaignId ? visitsHref({ ...filters, campaign_id: campaignId }, { code }) : visitsHref(filters, { no_campaign: 'true', code })
}

function LiftCell({ row }: { row: CollateralFigures }) {
  if (row.lift_verdict === 'too_few') {
    return (
      <td class="num muted" data-verdict="too_few">
        {ct('stats.tooFew')}
      </td>
    )
  }
  const tone = row.lift_verdict === 'above' ? 'up' : row.lift_verdict === 'below' ? 'down' : ''
  return (
    <td class={`num ${tone}`} data-verdict={row.lift_verdict} title={ct(`stats.verdict.${row.lift_verdict}`)}>
      {fmtPoints(row.lift)}
      <span class="muted small interval">{ct('stats.interval', { low: fmtPoints(row.lift_low), high: fmtPoints(row.lift_high) })}</span>
    </td>
  )
}

function CollateralTable({ items, filters }: { items: CollateralFigures[]; filters: DashFilters }) {
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'lift', desc: true })
  const rows = [...items].sort((a, b) => {
    const av = sortValue(a, sort.key)
    const bv = sortValue(b, sort.key)
    if (av == null && bv == null) return 0
    if (av == null) return 1 // no figure: always last
    if (bv == null) return -1
    return sort.desc ? bv - av : av - bv
  })
  const header = (key: SortKey, label: string) => (
    <th aria-sort={sort.key === key ? (sort.desc ? 'descending' : 'ascending') : 'none'} class="num">
      <button type="button" class="sort" title={ct('sort.by', { col: label })} onClick={() => setSort((s) => ({ key, desc: s.key === key ? !s.desc : true }))}>
        {label} {sort.key === key && <SortIcon desc={sort.desc} />}
      </button>
    </th>
  )
  return (
    <div class="table-wrap">
      <table data-testid="collateral-table">
        <thead>
          <tr>
            <th>{ct('col.title')}</th>
            <th>{ct('col.campaign')}</th>
            {header('viewed_visits', ct('col.viewed'))}
            <th class="num">{ct('col.convViewed')}</th>
            <th class="num">{ct('col.convNot')}</th>
            {header('lift', ct('col.lift'))}
            <th class="num">{ct('col.median')}</th>
            <th class="num">{ct('col.fit')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.collateral_id}>
              <td>
                <a href={engagementHref(r.collateral_id, filters)} title={ct('eng.open', { title: r.title })}>
                  {r.title}
                </a>
              </td>
              <td>{r.campaign_name}</td>
              <td class="num">
                <a href={visitsHref(filters, { collateral_id: r.collateral_id })}>{fmtInt(r.viewed_visits)}</a>
              </td>
              <td class="num">
                <a href={visitsHref(filters, { collateral_id: r.collateral_id, code: 'won' })}>
                  <Share value={r.conversion_viewed} n={r.viewed_visits} />
                </a>
              </td>
              <td class="num">
                <a href={visitsHref(filters, { without_collateral_id: r.collateral_id, code: 'won' })}>
                  <Share value={r.conversion_not_viewed} n={r.visits_not_viewed} />
                </a>
              </td>
              <LiftCell row={r} />
              <td class="num">
                <a href={engagementHref(r.collateral_id, filters)}>{r.median_seconds == null ? ct('common.none') : `${r.median_seconds} s`}</a>
              </td>
              <td class="num">
                <a href={engagementHref(r.collateral_id, filters)}>
                  {r.fit_up} / {r.fit_down}
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="muted small">{ct('stats.liftNote')}</p>
    </div>
  )
}

function SignalsPanel() {
  const signals = useAsync(() => consoleApi.signals('open', 5), [])
  return (
    <section class="panel" aria-labelledby="dash-signals">
      <h2 id="dash-signals">
        <a href={href('/signals')}>{ct('dash.signals')}</a>
      </h2>
      <Loadable state={signals}>
        {(list) =>
          list.length === 0 ? (
            <p class="muted">{ct('signals.none')}</p>
          ) : (
            <ul class="signal-mini">
              {list.map((s) => (
                <li key={s.id}>
                  <span class="chip">{ct(`signals.kind.${s.kind}` as 'signals.kind.other')}</span> {s.text}
                  <span class="muted"> — {s.rep.name}, {fmtDateTime(s.occurred_at)}</span>
                </li>
              ))}
            </ul>
          )
        }
      </Loadable>
    </section>
  )
}

export function Dashboard() {
  const lang = useLanguage()
  const loc = useLoc()
  const filters = filtersFrom(loc.query)
  const key = JSON.stringify(filters)
  const summary = useAsync(() => consoleApi.summary({ ...filters, lang }), [key, lang])
  const collateral = useAsync(() => consoleApi.collateralInsights(filters), [key])
  // The language's separator until marketing picks one.
  const [chosen, setChosen] = useState<Separator | null>(null)
  const separator = chosen ?? defaultSeparator(lang)
  const effective = summary.data?.filters
  const comparing = loc.query.get('compare') ?? undefined

  return (
    <div class="dashboard">
      <div class="page-head">
        <h1>{ct('dash.title')}</h1>
        <div class="export">
          <a class="button secondary" href={xlsxHref(filters, lang)} download>
            {ct('dash.exportXlsx')}
          </a>
          <a class="button secondary" href={csvHref(filters, separator, lang)} download>
            {ct('dash.exportCsv')}
          </a>
          <label class="inline">
            {ct('dash.separator')}{' '}
            <select value={separator} onChange={(e) => setChosen((e.currentTarget as HTMLSelectElement).value as Separator)}>
              <option value="semicolon">{ct('dash.separator.semicolon')}</option>
              <option value="comma">{ct('dash.separator.comma')}</option>
            </select>
          </label>
        </div>
      </div>
      <Filters filters={filters} effective={effective} keep={{ compare: comparing }} />
      <Loadable state={summary}>
        {(s) => {
          const { weeks, series } = trendSeries(s)
          const t = s.totals
          return (
            <>
              <div class="tiles" aria-busy={summary.loading}>
                <Tile testid="kpi-visits" label={ct('dash.visits')} value={fmtInt(t.visits)} to={visitsHref(filters)} />
                <Tile testid="kpi-leads" label={ct('dash.uniqueLeads')} value={fmtInt(t.unique_leads)} to={visitsHref(filters)} />
                <Tile testid="kpi-conversion" label={ct('dash.conversion')} value={fmtPct(t.conversion)} sub={ofVisits(t, 'won')} to={visitsHref(filters, { code: 'won' })} />
                <Tile testid="kpi-followup" label={ct('dash.followUp')} value={fmtPct(t.follow_up_rate)} sub={ofVisits(t, 'follow_up')} to={visitsHref(filters, { code: 'follow_up' })} />
                <Tile testid="kpi-coverage" label={ct('dash.coverage')} value={fmtPct(t.coverage)} sub={ct('dash.coverageOf', { n: fmtInt(t.unique_leads), total: fmtInt(t.leads_assigned) })} to={visitsHref(filters)} />
              </div>
              <CompareToggle on={!!comparing} onChange={(on) => go(href('/', { ...filters, compare: on ? '1' : undefined }))} />
              {comparing && <ComparePanel filters={filters} />}
              <div class="charts">
                <section class="panel wide" aria-labelledby="dash-trend">
                  <h2 id="dash-trend">{ct('dash.trend')}</h2>
                  {t.visits === 0 ? <p class="muted">{ct('dash.noData')}</p> : <ChartCanvas label={ct('dash.trend')} deps={[s, lang]} draw={(c, el) => c.drawTrend(el, weeks, series, (w, k) => go(visitsHref(weekFilters(filters, s.trend[w]!.week, s.filters), { code: series[k]!.code })))} />}
                </section>
                <section class="panel" aria-labelledby="dash-mix">
                  <h2 id="dash-mix">{ct('dash.mix')}</h2>
                  {t.visits === 0 ? <p class="muted">{ct('dash.noData')}</p> : <ChartCanvas label={ct('dash.mix')} deps={[s, lang]} draw={(c, el) => c.drawMix(el, t.codes.filter((x) => x.count > 0), (i) => go(visitsHref(filters, { code: t.codes.filter((x) => x.count > 0)[i]!.code })))} />}
                  {t.visits > 0 && <MixTable totals={t} filters={filters} />}
                </section>
              </div>
              <section class="panel" aria-labelledby="dash-campaigns">
                <h2 id="dash-campaigns">{ct('dash.campaigns')}</h2>
                <div class="table-wrap">
                  <table data-testid="campaign-table">
                    <thead>
                      <tr>
                        <th>{ct('col.campaign')}</th>
                        <th class="num">{ct('col.visits')}</th>
                        <th class="num">{ct('col.leads')}</th>
                        <th class="num">{ct('col.conversion')}</th>
                        <th class="num">{ct('col.followUp')}</th>
                        <th class="num">{ct('col.coverage')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {s.campaigns.map((c) => (
                        <tr key={c.campaign_id ?? 'none'}>
                          <td>{c.campaign_id ? <a href={href('/', { ...filters, campaign_id: c.campaign_id })}>{c.campaign_name}</a> : c.campaign_name}</td>
                          <td class="num"><a href={campaignVisits(filters, c.campaign_id)}>{fmtInt(c.visits)}</a></td>
                          <td class="num">{fmtInt(c.unique_leads)}</td>
                          <td class="num"><a href={campaignVisits(filters, c.campaign_id, 'won')}>{fmtPct(c.conversion)}</a></td>
                          <td class="num"><a href={campaignVisits(filters, c.campaign_id, 'follow_up')}>{fmtPct(c.follow_up_rate)}</a></td>
                          <td class="num">{fmtPct(c.coverage)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </section>
              <div class="two-col">
                <section class="panel" aria-labelledby="dash-objections">
                  <h2 id="dash-objections">{ct('dash.objections')}</h2>
                  {s.top_objections.length === 0 ? (
                    <p class="muted">{ct('common.empty')}</p>
                  ) : (
                    <table data-testid="objection-table">
                      <thead>
                        <tr>
                          <th>{ct('col.objection')}</th>
                          <th class="num">{ct('col.count')}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {s.top_objections.map((o) => (
                          <tr key={o.chip}>
                            <td>{chipLabel(o.chip)}</td>
                            <td class="num">
                              <a href={visitsHref(filters, { chip: o.chip })}>{fmtInt(o.count)}</a>
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  )}
                  <p class="small">
                    <a href="#dash-counters">{ct('counters.link')}</a>
                  </p>
                </section>
                <SignalsPanel />
                <ExpiringPanel />
              </div>
            </>
          )
        }}
      </Loadable>
      <CounterPanel filters={filters} />
      <section class="panel" aria-labelledby="dash-collateral">
        <h2 id="dash-collateral">{ct('dash.collateral')}</h2>
        <Loadable state={collateral}>
          {(c) => (
            <>
              {c.items.length === 0 ? <p class="muted">{ct('common.empty')}</p> : <CollateralTable items={c.items} filters={filters} />}
              {c.dead_stock.length > 0 && (
                <>
                  <h3>{ct('dash.deadStock')}</h3>
                  <ul class="dead-stock" data-testid="dead-stock">
                    {c.dead_stock.map((d) => (
                      <li key={d.collateral_id}>
                        <a href={href(`/campaigns/${d.campaign_id}`)}>{d.title}</a> <span class="muted">({d.campaign_name})</span>
                      </li>
                    ))}
                  </ul>
                </>
              )}
            </>
          )}
        </Loadable>
      </section>
    </div>
  )
}
