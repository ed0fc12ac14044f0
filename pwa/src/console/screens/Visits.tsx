// The visits behind a dashboard figure: the dashboard filters plus what names the figure (an
// outcome, a detail chip, a collateral item shown), all in the URL; exportable with the same.
import { chipLabel } from '../../i18n'
import { useLanguage } from '../../i18n/hook'
import { consoleApi, type VisitRow } from '../api'
import { csvHref, defaultSeparator, figureFrom, filtersFrom, visitsHref, xlsxHref, type FigureKey } from '../filters'
import { ct, fmtDateTime, fmtInt } from '../i18n'
import { go, href, useLoc } from '../nav'
import { FilterSelect, Loadable, Pager, useAsync } from '../ui'
import { Filters } from './Dashboard'

const LIMIT = 50

function viewerZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone
}

function Shown({ row }: { row: VisitRow }) {
  if (row.collateral.length === 0) return <>{ct('common.none')}</>
  return (
    <ul class="plain">
      {row.collateral.map((c) => (
        <li key={c.collateral_id}>
          {c.title || ct('common.none')} <span class="muted small">{ct('drill.seconds', { s: fmtInt(c.seconds) })}</span>
          {c.pages.length > 0 && <span class="muted small"> · {ct('drill.pages', { pages: c.pages.join(', ') })}</span>}
        </li>
      ))}
    </ul>
  )
}

export function VisitTable({ rows, showLead = true }: { rows: VisitRow[]; showLead?: boolean }) {
  return (
    <div class="table-wrap">
      <table data-testid="visit-table">
        <thead>
          <tr>
            <th>{ct('col.when')}</th>
            <th>{ct('col.rep')}</th>
            {showLead && <th>{ct('col.lead')}</th>}
            <th>{ct('col.outcome')}</th>
            <th>{ct('col.details')}</th>
            <th>{ct('col.note')}</th>
            <th>{ct('col.shown')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.outcome_id} data-testid="visit-row" data-outcome={r.outcome_id}>
              <td>
                <time dateTime={r.occurred_at}>{fmtDateTime(r.occurred_at)}</time>
              </td>
              <td>{r.rep_name}</td>
              {showLead && <td>{r.lead_name ? <a href={href(`/leads/${r.lead_id}`)}>{r.lead_name}</a> : ct('common.none')}</td>}
              <td>
                <span class="chip" data-code={r.code}>
                  {r.label}
                </span>
              </td>
              <td>{r.chips.map((c) => chipLabel(c)).join(', ') || ct('common.none')}</td>
              <td class="note">{r.note || ct('common.none')}</td>
              <td>
                <Shown row={r} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

export function Visits() {
  const lang = useLanguage()
  const loc = useLoc()
  const filters = filtersFrom(loc.query)
  const figure = figureFrom(loc.query)
  const offset = Math.max(0, Number(loc.query.get('offset')) || 0)
  const key = JSON.stringify([filters, figure, offset])
  const page = useAsync(() => consoleApi.visits({ ...filters, ...figure, lang, limit: LIMIT, offset }), [key, lang])
  const codes = useAsync(() => consoleApi.outcomeCodes(), [])
  const setFigure = (k: FigureKey, v: string) => go(visitsHref(filters, { ...figure, [k]: v || undefined }))
  const list = codes.data ?? []
  const chips = [...new Set(list.flatMap((c) => c.details))]
  const item = page.data?.items.flatMap((r) => r.collateral).find((c) => c.collateral_id === figure.collateral_id)
  return (
    <div class="visits">
      <div class="page-head">
        <h1>{ct('drill.title')}</h1>
        <a href={href('/', filters)}>{ct('drill.back')}</a>
        <div class="export">
          <a class="button secondary" data-testid="drill-xlsx" href={xlsxHref({ ...filters, ...figure }, lang)} download>
            {ct('dash.exportXlsx')}
          </a>
          <a class="button secondary" data-testid="drill-csv" href={csvHref({ ...filters, ...figure }, defaultSeparator(lang), lang)} download>
            {ct('dash.exportCsv')}
          </a>
        </div>
      </div>
      <Filters filters={filters} effective={page.data?.filters} path="/visits" keep={figure} />
      <form class="filters" aria-label={ct('drill.figure')} onSubmit={(e) => e.preventDefault()}>
        <FilterSelect
          id="f-code"
          label={ct('drill.code')}
          value={figure.code ?? ''}
          options={list.map((c) => ({ value: c.code, label: lang === 'de' ? c.label_de : c.label_en }))}
          onChange={(v) => setFigure('code', v)}
        />
        <FilterSelect id="f-chip" label={ct('drill.chip')} value={figure.chip ?? ''} options={chips.map((c) => ({ value: c, label: chipLabel(c) }))} onChange={(v) => setFigure('chip', v)} />
        {figure.collateral_id && (
          <FilterSelect
            id="f-collateral"
            label={ct('drill.collateral')}
            value={figure.collateral_id}
            allLabel={ct('drill.anyCollateral')}
            options={[{ value: figure.collateral_id, label: item?.title || figure.collateral_id }]}
            onChange={(v) => setFigure('collateral_id', v)}
          />
        )}
        {figure.without_collateral_id && (
          <p class="figure-note" data-testid="drill-without">
            {ct('drill.without')}{' '}
            <button type="button" class="link" onClick={() => setFigure('without_collateral_id', '')}>
              {ct('drill.clear')}
            </button>
          </p>
        )}
        {figure.no_campaign && (
          <p class="figure-note">
            {ct('drill.noCampaign')}{' '}
            <button type="button" class="link" onClick={() => setFigure('no_campaign', '')}>
              {ct('drill.clear')}
            </button>
          </p>
        )}
      </form>
      <Loadable state={page}>
        {(p) => (
          <section class="panel">
            <p data-testid="drill-count">
              <strong>{ct('drill.count', { n: fmtInt(p.total) })}</strong> <span class="muted small">{ct('drill.zone', { zone: viewerZone() })}</span>
            </p>
            {p.items.length === 0 ? <p class="muted">{ct('drill.none')}</p> : <VisitTable rows={p.items} />}
            <Pager offset={p.offset} limit={p.limit} total={p.total} onPage={(o) => go(href('/visits', { ...filters, ...figure, offset: o ? String(o) : undefined }))} />
          </section>
        )}
      </Loadable>
    </div>
  )
}
