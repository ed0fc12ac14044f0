// Leads: a filterable, searchable, paged table (filters in the URL), selecting several to
// assign them to a rep, and the edit form with a live preview of the brief.
import { useEffect, useState } from 'preact/hooks'
import { useLanguage } from '../../i18n/hook'
import { consoleApi, errorText, type Lead } from '../api'
import { ct, fmtDateTime } from '../i18n'
import { go, href, useLoc } from '../nav'
import { FilterSelect, Loadable, MarkdownEditor, Pager, toOptions, useAsync, useLookups, useZone, ZoneNote } from '../ui'
import { wallClock } from '../zone'

const LIMIT = 50
const KEYS = ['campaign_id', 'rep_id', 'region', 'segment', 'q', 'offset'] as const

export function LeadList() {
  useLanguage()
  const loc = useLoc()
  const lookups = useLookups()
  const query: Record<string, string> = {}
  for (const k of KEYS) {
    const v = loc.query.get(k)
    if (v) query[k] = v
  }
  const key = JSON.stringify(query)
  const page = useAsync(() => consoleApi.leads({ ...query, limit: LIMIT }), [key])
  const [selected, setSelected] = useState<Set<string>>(new Set())
  const [search, setSearch] = useState(query.q ?? '')
  const [target, setTarget] = useState('')
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null)
  const [busy, setBusy] = useState(false)
  useEffect(() => setSearch(query.q ?? ''), [query.q])

  const [reps, facets, campaigns] = lookups.data ?? [[], { regions: [], segments: [], teams: [] }, []]
  const repName = new Map(reps.map((r) => [r.id, r.name]))
  const campaignName = new Map(campaigns.map((c) => [c.id, c.name]))
  const setFilter = (k: string, v: string) => go(href('/leads', { ...query, [k]: v || undefined, offset: undefined }))

  function toggle(id: string, on: boolean) {
    setSelected((s) => {
      const next = new Set(s)
      if (on) next.add(id)
      else next.delete(id)
      return next
    })
  }

  async function assign() {
    if (!target || selected.size === 0) return
    setBusy(true)
    setMessage(null)
    const ids = [...selected]
    try {
      // One request for all of them: all or none, and one notification for the rep.
      await consoleApi.assignLeads(ids, target)
      setMessage({ text: ct('leads.assigned', { n: ids.length, name: repName.get(target) ?? '' }), error: false })
      setSelected(new Set())
      page.reload()
    } catch (err) {
      setMessage({ text: errorText(err), error: true })
      page.reload()
    } finally {
      setBusy(false)
    }
  }

  const items = page.data?.items ?? []
  const allOnPage = items.length > 0 && items.every((l) => selected.has(l.id))

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
      <div class="bulk" aria-live="polite">
        <span>{ct('leads.selected', { n: selected.size })}</span>
        <label for="l-assign" class="inline">
          {ct('leads.assignTo')}
        </label>
        <select id="l-assign" value={target} onChange={(e) => setTarget((e.currentTarget as HTMLSelectElement).value)}>
          <option value="">{ct('common.none')}</option>
          {reps
            .filter((r) => r.is_active)
            .map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
                {r.region ? ` (${r.region})` : ''}
              </option>
            ))}
        </select>
        <button type="button" class="primary" disabled={busy || !target || selected.size === 0} onClick={assign}>
          {ct('leads.assign')}
        </button>
        {message && (
          <span class={message.error ? 'error' : 'ok'} role={message.error ? 'alert' : 'status'}>
            {message.text}
          </span>
        )}
      </div>
      <Loadable state={page}>
        {(p) => (
          <>
            <div class="table-wrap">
              <table data-testid="leads">
                <thead>
                  <tr>
                    <th class="pick">
                      <input type="checkbox" aria-label={ct('col.selectAll')} checked={allOnPage} onChange={(e) => p.items.forEach((l) => toggle(l.id, (e.currentTarget as HTMLInputElement).checked))} />
                    </th>
                    <th>{ct('col.company')}</th>
                    <th>{ct('col.rep')}</th>
                    <th>{ct('col.campaign')}</th>
                    <th>{ct('col.region')}</th>
                    <th>{ct('col.segment')}</th>
                    <th>{ct('col.planned')}</th>
                  </tr>
                </thead>
                <tbody>
                  {p.items.map((l) => (
                    <tr key={l.id} class={selected.has(l.id) ? 'selected' : undefined}>
                      <td class="pick">
                        <input type="checkbox" aria-label={`${ct('col.select')}: ${l.company}`} checked={selected.has(l.id)} onChange={(e) => toggle(l.id, (e.currentTarget as HTMLInputElement).checked)} />
                      </td>
                      <td>
                        <a href={href(`/leads/${l.id}`)}>{l.company}</a>
                        {l.city && <span class="muted"> · {l.city}</span>}
                      </td>
                      <td>{repName.get(l.rep_id) ?? ct('common.none')}</td>
                      <td>{l.campaign_id ? campaignName.get(l.campaign_id) ?? ct('common.none') : ct('common.none')}</td>
                      <td>{l.region || ct('common.none')}</td>
                      <td>{l.segment || ct('common.none')}</td>
                      <td>{fmtDateTime(l.planned_visit_at)}</td>
                    </tr>
                  ))}
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

export function LeadEdit({ id }: { id: string }) {
  useLanguage()
  const loaded = useAsync(() => consoleApi.lead(id), [id])
  return <Loadable state={loaded}>{(lead) => <LeadForm key={lead.id} lead={lead} />}</Loadable>
}

type Editable = Pick<Lead, 'company' | 'contact_name' | 'region' | 'segment' | 'rep_id' | 'campaign_id' | 'priority' | 'brief_md'>

function LeadForm({ lead }: { lead: Lead }) {
  const lookups = useLookups()
  const [draft, setDraft] = useState<Editable>({
    company: lead.company,
    contact_name: lead.contact_name,
    region: lead.region,
    segment: lead.segment,
    rep_id: lead.rep_id,
    campaign_id: lead.campaign_id,
    priority: lead.priority,
    brief_md: lead.brief_md,
  })
  // The planned visit is typed and shown on the organisation's clock (the server reads a time
  // without an offset there); sent only once edited, so an untouched one never moves.
  const zone = useZone()
  const [visit, setVisit] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null)
  const [reps, facets, campaigns] = lookups.data ?? [[], { regions: [], segments: [], teams: [] }, []]
  const set = <K extends keyof Editable>(k: K, v: Editable[K]) => setDraft((d) => ({ ...d, [k]: v }))
  const text = (k: 'company' | 'contact_name' | 'region' | 'segment') => (e: Event) => set(k, (e.currentTarget as HTMLInputElement).value)

  async function save(e: Event) {
    e.preventDefault()
    setBusy(true)
    setMessage(null)
    try {
      await consoleApi.updateLead(lead.id, visit === null ? draft : { ...draft, planned_visit_at: visit || null })
      setMessage({ text: ct('common.saved'), error: false })
    } catch (err) {
      setMessage({ text: errorText(err), error: true })
    } finally {
      setBusy(false)
    }
  }

  return (
    <div>
      <div class="page-head">
        <h1>{ct('leads.edit')}</h1>
        <a href={href('/leads')}>{ct('common.back')}</a>
      </div>
      <form class="panel form" onSubmit={save}>
        <div class="grid3">
          <div class="field">
            <label for="ld-company">{ct('leads.company')}</label>
            <input id="ld-company" type="text" required maxLength={200} value={draft.company} onInput={text('company')} />
          </div>
          <div class="field">
            <label for="ld-contact">{ct('leads.contact')}</label>
            <input id="ld-contact" type="text" maxLength={200} value={draft.contact_name} onInput={text('contact_name')} />
          </div>
          <div class="field">
            <label for="ld-rep">{ct('col.rep')}</label>
            <select id="ld-rep" value={draft.rep_id} onChange={(e) => set('rep_id', (e.currentTarget as HTMLSelectElement).value)}>
              {reps.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="ld-campaign">{ct('col.campaign')}</label>
            <select id="ld-campaign" value={draft.campaign_id ?? ''} onChange={(e) => set('campaign_id', (e.currentTarget as HTMLSelectElement).value || null)}>
              <option value="">{ct('leads.noCampaign')}</option>
              {campaigns.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="ld-region">{ct('col.region')}</label>
            <input id="ld-region" type="text" list="ld-regions" maxLength={100} value={draft.region} onInput={text('region')} />
            <datalist id="ld-regions">{facets.regions.map((r) => <option key={r} value={r} />)}</datalist>
          </div>
          <div class="field">
            <label for="ld-segment">{ct('col.segment')}</label>
            <input id="ld-segment" type="text" list="ld-segments" maxLength={100} value={draft.segment} onInput={text('segment')} />
            <datalist id="ld-segments">{facets.segments.map((r) => <option key={r} value={r} />)}</datalist>
          </div>
          <div class="field">
            <label for="ld-visit">{ct('leads.planned')}</label>
            <input
              id="ld-visit"
              type="datetime-local"
              disabled={!zone}
              aria-describedby="ld-visit-zone"
              value={visit ?? (zone ? wallClock(lead.planned_visit_at, zone) : '')}
              onInput={(e) => setVisit((e.currentTarget as HTMLInputElement).value)}
            />
            <ZoneNote id="ld-visit-zone" zone={zone} />
          </div>
          <div class="field">
            <label for="ld-priority">{ct('leads.priority')}</label>
            <select id="ld-priority" value={String(draft.priority)} onChange={(e) => set('priority', Number((e.currentTarget as HTMLSelectElement).value))}>
              {[1, 2, 3].map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </div>
        </div>
        <MarkdownEditor id="ld-brief" label={ct('leads.brief')} previewLabel={ct('leads.briefPreview')} value={draft.brief_md} onInput={(v) => set('brief_md', v)} />
        <p class={message?.error ? 'error' : 'ok'} role={message?.error ? 'alert' : 'status'}>
          {message?.text}
        </p>
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            {busy ? ct('common.saving') : ct('common.save')}
          </button>
        </div>
      </form>
    </div>
  )
}
