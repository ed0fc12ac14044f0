// Leads: a filterable, searchable, sortable, paged table (filters and sort in the URL), and one
// action on many leads: the picked rows (shift-click picks a range), or every lead matching the
// filter across all pages, after a confirmation that names how many.
import { useEffect, useState } from 'preact/hooks'
import { getLanguage } from '../../i18n'
import { useLanguage } from '../../i18n/hook'
import { SortIcon } from '../../screens/icons'
import { consoleApi, errorText, type BulkAction, type LeadPage, type LeadSort } from '../api'
import { ct, fmtDate, fmtDateTime, fmtInt } from '../i18n'
import { go, href, useLoc } from '../nav'
import * as pick from '../selection'
import { FilterSelect, Loadable, Pager, toOptions, useAsync, useLookups } from '../ui'

const LIMIT = 50
const FILTERS = ['campaign_id', 'rep_id', 'region', 'segment', 'q'] as const
const KEYS = [...FILTERS, 'sort', 'desc', 'offset'] as const

type Query = Partial<Record<(typeof KEYS)[number], string>>

export function LeadList() {
  useLanguage()
  const loc = useLoc()
  const lookups = useLookups()
  const query: Query = {}
  for (const k of KEYS) {
    const v = loc.query.get(k)
    if (v) query[k] = v
  }
  const key = JSON.stringify(query)
  const filterKey = JSON.stringify(FILTERS.map((k) => query[k]))
  const page = useAsync(() => consoleApi.leads({ ...query, limit: LIMIT }), [key])
  const codes = useAsync(() => consoleApi.outcomeCodes(), [])
  const codeLabel = (code: string) => {
    const found = codes.data?.find((c) => c.code === code)
    return found ? (getLanguage() === 'de' ? found.label_de : found.label_en) : code
  }
  const [selection, setSelection] = useState<pick.Selection>(pick.NOTHING)
  const [search, setSearch] = useState(query.q ?? '')
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null)
  useEffect(() => setSearch(query.q ?? ''), [query.q])
  // a new filter is a new set of leads: nothing stays picked
  useEffect(() => setSelection(pick.NOTHING), [filterKey])

  const [reps, facets, campaigns] = lookups.data ?? [[], { regions: [], segments: [], teams: [] }, []]
  const repName = new Map(reps.map((r) => [r.id, r.name]))
  const campaignName = new Map(campaigns.map((c) => [c.id, c.name]))
  const setFilter = (k: string, v: string) => go(href('/leads', { ...query, [k]: v || undefined, offset: undefined }))
  const sortBy = (col: LeadSort) =>
    go(href('/leads', { ...query, sort: col, desc: query.sort === col && !query.desc ? '1' : undefined, offset: undefined }))

  const items = page.data?.items ?? []
  const pageIds = items.map((l) => l.id)
  const total = page.data?.total ?? 0
  const allOnPage = items.length > 0 && items.every((l) => pick.isPicked(selection, l.id))
  const matching = Object.fromEntries(FILTERS.filter((k) => query[k]).map((k) => [k, query[k]]))

  const sortHeader = (col: LeadSort, label: string) => {
    const active = (query.sort ?? 'company') === col
    const desc = active && !!query.desc
    return (
      <th aria-sort={active ? (desc ? 'descending' : 'ascending') : 'none'}>
        <button type="button" class="sort" title={ct('sort.by', { col: label })} onClick={() => sortBy(col)}>
          {label} {active && <SortIcon desc={desc} />}
        </button>
      </th>
    )
  }

  return (
    <div>
      <div class="page-head">
        <h1>{ct('leads.title')}</h1>
        <a class="button primary" href={href('/leads/import')}>
          {ct('leads.import')}
        </a>
      </div>
      <form
        class="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault()
          setFilter('q', search.trim())
        }}
      >
        <div class="field grow">
          <label for="l-q">{ct('filters.search')}</label>
          <input id="l-q" type="search" maxLength={200} value={search} onInput={(e) => setSearch((e.currentTarget as HTMLInputElement).value)} />
        </div>
        <FilterSelect id="l-campaign" label={ct('filters.campaign')} value={query.campaign_id ?? ''} options={campaigns.map((c) => ({ value: c.id, label: c.name }))} onChange={(v) => setFilter('campaign_id', v)} />
        <FilterSelect id="l-rep" label={ct('filters.rep')} value={query.rep_id ?? ''} options={reps.map((r) => ({ value: r.id, label: r.name }))} onChange={(v) => setFilter('rep_id', v)} />
        <FilterSelect id="l-region" label={ct('filters.region')} value={query.region ?? ''} options={toOptions(facets.regions)} onChange={(v) => setFilter('region', v)} />
        <FilterSelect id="l-segment" label={ct('filters.segment')} value={query.segment ?? ''} options={toOptions(facets.segments)} onChange={(v) => setFilter('segment', v)} />
      </form>
      <BulkBar
        selection={selection}
        total={total}
        matching={matching}
        reps={reps.filter((r) => r.is_active).map((r) => ({ id: r.id, label: r.region ? `${r.name} (${r.region})` : r.name }))}
        campaigns={campaigns.map((c) => ({ id: c.id, label: c.name }))}
        onDone={(text, error) => {
          setMessage({ text, error })
          if (!error) setSelection(pick.NOTHING)
          page.reload()
        }}
      />
      {message && (
        <p class={message.error ? 'error' : 'ok'} role={message.error ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}
      {allOnPage && total > items.length && (
        <p class="select-all" data-testid="select-all">
          {selection.allMatching ? (
            <>
              {ct('leads.allMatchingPicked', { n: fmtInt(total) })}{' '}
              <button type="button" class="link" onClick={() => setSelection(pick.NOTHING)}>
                {ct('leads.clearSelection')}
              </button>
            </>
          ) : (
            <>
              {ct('leads.pagePicked', { n: fmtInt(items.length) })}{' '}
              <button type="button" class="link" onClick={() => setSelection(pick.allMatching())}>
                {ct('leads.pickAllMatching', { n: fmtInt(total) })}
              </button>
            </>
          )}
        </p>
      )}
      <Loadable state={page}>
        {(p: LeadPage) => (
          <>
            <div class="table-wrap">
              <table data-testid="leads">
                <thead>
                  <tr>
                    <th class="pick">
                      <input type="checkbox" aria-label={ct('col.selectAll')} checked={allOnPage} onChange={(e) => setSelection((s) => pick.page(s, pageIds, (e.currentTarget as HTMLInputElement).checked))} />
                    </th>
                    {sortHeader('company', ct('col.company'))}
                    {sortHeader('external_ref', ct('col.customerNo'))}
                    <th>{ct('col.rep')}</th>
                    <th>{ct('col.campaign')}</th>
                    {sortHeader('region', ct('col.region'))}
                    {sortHeader('segment', ct('col.segment'))}
                    {sortHeader('planned_visit_at', ct('col.planned'))}
                    {sortHeader('last_outcome_at', ct('col.lastVisit'))}
                  </tr>
                </thead>
                <tbody>
                  {p.items.map((l) => {
                    const picked = pick.isPicked(selection, l.id)
                    return (
                      <tr key={l.id} class={picked ? 'selected' : undefined}>
                        <td class="pick">
                          <input
                            type="checkbox"
                            aria-label={`${ct('col.select')}: ${l.company}`}
                            checked={picked}
                            onClick={(e) => {
                              const box = e.currentTarget as HTMLInputElement
                              setSelection((s) => pick.click(s, pageIds, l.id, box.checked, e.shiftKey))
                            }}
                          />
                        </td>
                        <td>
                          <a href={href(`/leads/${l.id}`)}>{l.company}</a>
                          {l.city && <span class="muted"> · {l.city}</span>}
                        </td>
                        <td>{l.external_ref || ct('common.none')}</td>
                        <td>{repName.get(l.rep_id) ?? ct('common.none')}</td>
                        <td>{l.campaign_id ? campaignName.get(l.campaign_id) ?? ct('common.none') : ct('common.none')}</td>
                        <td>{l.region || ct('common.none')}</td>
                        <td>{l.segment || ct('common.none')}</td>
                        <td>{fmtDateTime(l.planned_visit_at)}</td>
                        <td>{l.last_outcome_code ? `${codeLabel(l.last_outcome_code)} · ${fmtDate(l.last_outcome_at)}` : ct('common.none')}</td>
                      </tr>
                    )
                  })}
                </tbody>
              </table>
            </div>
            {p.total === 0 && <p class="muted">{ct('common.empty')}</p>}
            <Pager offset={p.offset} limit={p.limit} total={p.total} onPage={(o) => go(href('/leads', { ...query, offset: o ? String(o) : undefined }))} />
          </>
        )}
      </Loadable>
    </div>
  )
}

interface Choice {
  id: string
  label: string
}

/** The action, its target, and the confirmation that names how many leads it touches. */
function BulkBar(props: { selection: pick.Selection; total: number; matching: Record<string, string | undefined>; reps: Choice[]; campaigns: Choice[]; onDone: (text: string, error: boolean) => void }) {
  const { selection, total, matching, reps, campaigns, onDone } = props
  const [action, setAction] = useState<BulkAction>('assign')
  const [target, setTarget] = useState('')
  const [confirming, setConfirming] = useState(false)
  const [busy, setBusy] = useState(false)
  const n = pick.count(selection, total)
  const targets = action === 'assign' ? reps : action === 'move' ? campaigns : []
  const targetName = targets.find((c) => c.id === target)?.label ?? ''
  const ready = n > 0 && (action === 'delete' || !!target)
  useEffect(() => setConfirming(false), [n, action, target])

  async function run() {
    setBusy(true)
    try {
      await consoleApi.bulkLeads({
        action,
        expected_count: n,
        ...(selection.allMatching ? { matching } : { lead_ids: [...selection.ids] }),
        ...(action === 'assign' ? { rep_id: target } : action === 'move' ? { campaign_id: target } : {}),
      })
      onDone(ct(`leads.done.${action}`, { n: fmtInt(n), name: targetName }), false)
    } catch (err) {
      onDone(errorText(err), true)
    } finally {
      setBusy(false)
      setConfirming(false)
    }
  }

  return (
    <div class="bulk" aria-live="polite">
      <span data-testid="picked-count">{ct('leads.selected', { n: fmtInt(n) })}</span>
      <label for="l-action" class="inline">
        {ct('leads.action')}
      </label>
      <select id="l-action" value={action} onChange={(e) => setAction((e.currentTarget as HTMLSelectElement).value as BulkAction)}>
        <option value="assign">{ct('leads.action.assign')}</option>
        <option value="move">{ct('leads.action.move')}</option>
        <option value="delete">{ct('leads.action.delete')}</option>
      </select>
      {action !== 'delete' && (
        <select aria-label={ct(action === 'assign' ? 'leads.assignTo' : 'leads.moveTo')} value={target} onChange={(e) => setTarget((e.currentTarget as HTMLSelectElement).value)}>
          <option value="">{ct('common.none')}</option>
          {targets.map((c) => (
            <option key={c.id} value={c.id}>
              {c.label}
            </option>
          ))}
        </select>
      )}
      {!confirming ? (
        <button type="button" class="primary" disabled={!ready} onClick={() => setConfirming(true)}>
          {ct('leads.apply')}
        </button>
      ) : (
        <span class="confirm" role="group" aria-label={ct('leads.confirm')}>
          <strong data-testid="bulk-question">{ct(`leads.ask.${action}`, { n: fmtInt(n), name: targetName })}</strong>{' '}
          <button type="button" class={action === 'delete' ? 'danger' : 'primary'} disabled={busy} onClick={run}>
            {ct('leads.confirm')}
          </button>{' '}
          <button type="button" class="secondary" disabled={busy} onClick={() => setConfirming(false)}>
            {ct('common.cancel')}
          </button>
        </span>
      )}
    </div>
  )
}
