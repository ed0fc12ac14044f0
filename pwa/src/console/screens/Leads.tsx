// A lead's edit form with a live preview of the brief, and its history (the list is in LeadList.tsx).
import { useState } from 'preact/hooks'
import { useLanguage } from '../../i18n/hook'
import { consoleApi, errorText, type Lead } from '../api'
import { ct } from '../i18n'
import { href } from '../nav'
import { Loadable, MarkdownEditor, useAsync, useLookups, useZone, ZoneNote } from '../ui'
import { wallClock } from '../zone'
import { LeadHistory } from './LeadHistory'

export function LeadEdit({ id }: { id: string }) {
  useLanguage()
  const loaded = useAsync(() => consoleApi.lead(id), [id])
  return (
    <>
      <Loadable state={loaded}>{(lead) => <LeadForm key={lead.id} lead={lead} />}</Loadable>
      <LeadHistory id={id} />
    </>
  )
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
