// Campaigns: the list, and one form to create or edit (message, talking points, period,
// audience with whom it reaches, how long shared links stay open), with go live / archive and
// the campaign's collateral below.
import { useEffect, useState } from 'preact/hooks'
import { ApiError } from '../../api/client'
import { errorText as wordError } from '../../i18n/errors'
import { useLanguage } from '../../i18n/hook'
import { consoleApi, type AudiencePreview, type Campaign, type CampaignInput, type CampaignStatus } from '../api'
import { ct, fmtInt, fmtPeriod } from '../i18n'
import { go, href } from '../nav'
import { Loadable, lookups, MarkdownEditor, splitList, useAsync } from '../ui'
import { CollateralPanel } from './Collateral'

const statusLabel = (s: CampaignStatus) => ct(`campaigns.status.${s}`)

export function CampaignList() {
  useLanguage()
  const list = useAsync(() => consoleApi.campaigns(), [])
  return (
    <div>
      <div class="page-head">
        <h1>{ct('campaigns.title')}</h1>
        <a class="button primary" href={href('/campaigns/new')}>
          {ct('campaigns.new')}
        </a>
      </div>
      <Loadable state={list}>
        {(rows) =>
          rows.length === 0 ? (
            <p class="muted">{ct('common.empty')}</p>
          ) : (
            <div class="table-wrap">
              <table data-testid="campaigns">
                <thead>
                  <tr>
                    <th>{ct('campaigns.name')}</th>
                    <th>{ct('col.status')}</th>
                    <th>{ct('col.period')}</th>
                    <th>{ct('campaigns.audience')}</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((c) => (
                    <tr key={c.id}>
                      <td>
                        <a href={href(`/campaigns/${c.id}`)}>{c.name}</a>
                      </td>
                      <td>
                        <span class={`status ${c.status}`}>{statusLabel(c.status)}</span>
                      </td>
                      <td>
                        {fmtPeriod(c.starts_on, c.ends_on)}
                      </td>
                      <td>{c.audience_all ? ct('campaigns.audienceAll') : [...c.audience_regions, ...c.audience_teams].join(', ')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Loadable>
    </div>
  )
}

interface Draft {
  name: string
  key_message: string
  talking_points_md: string
  starts_on: string
  ends_on: string
  audience_all: boolean
  regions: string
  teams: string
  share_days: string
}

function toDraft(c: Campaign | null): Draft {
  return {
    name: c?.name ?? '',
    key_message: c?.key_message ?? '',
    talking_points_md: c?.talking_points_md ?? '',
    starts_on: c?.starts_on ?? '',
    ends_on: c?.ends_on ?? '',
    audience_all: c?.audience_all ?? true,
    regions: c?.audience_regions.join(', ') ?? '',
    teams: c?.audience_teams.join(', ') ?? '',
    share_days: String(c?.share_days ?? SHARE_DAYS),
  }
}

function fromDraft(d: Draft): CampaignInput {
  return {
    name: d.name.trim(),
    key_message: d.key_message,
    talking_points_md: d.talking_points_md,
    starts_on: d.starts_on || null,
    ends_on: d.ends_on || null,
    audience_all: d.audience_all,
    audience_regions: splitList(d.regions),
    audience_teams: splitList(d.teams),
    share_days: Number(d.share_days.trim() || Number.NaN),
  }
}

const SHARE_DAYS = 30 // the service's default for a new campaign

/** A refusal in the marketer's language, naming the form's fields by their labels. */
function errorText(err: unknown): string {
  return wordError(err, { share_days: ct('campaigns.shareDays') })
}

/**
 * Whom the form's audience reaches now, asked again (after a short pause) whenever the
 * audience changes; null until the first answer.
 */
function useAudiencePreview(draft: Draft, campaignId: string | null): AudiencePreview | null {
  const [preview, setPreview] = useState<AudiencePreview | null>(null)
  const body = {
    audience_all: draft.audience_all,
    audience_regions: splitList(draft.regions),
    audience_teams: splitList(draft.teams),
    campaign_id: campaignId,
  }
  const key = JSON.stringify(body)
  useEffect(() => {
    let current = true
    const timer = setTimeout(() => {
      consoleApi.previewAudience(body).then(
        (answer) => current && setPreview(answer),
        () => current && setPreview(null),
      )
    }, 200)
    return () => {
      current = false
      clearTimeout(timer)
    }
  }, [key])
  return preview
}

/** What in the audience names nobody: unknown regions and teams, or no name at all. */
function audienceWarnings(draft: Draft, preview: AudiencePreview | null): string[] {
  if (draft.audience_all) return []
  if (splitList(draft.regions).length === 0 && splitList(draft.teams).length === 0) return [ct('campaigns.namesNobody')]
  if (!preview) return []
  const out: string[] = []
  if (preview.unknown_regions.length) out.push(ct('campaigns.unknownRegions', { names: preview.unknown_regions.join(', ') }))
  if (preview.unknown_teams.length) out.push(ct('campaigns.unknownTeams', { names: preview.unknown_teams.join(', ') }))
  return out
}

function reachText(preview: AudiencePreview): string {
  const n = preview.reps
  const head = n === 1 ? ct('campaigns.reachesOne') : ct('campaigns.reaches', { n: fmtInt(n) })
  const more = n > preview.names.length ? ct('campaigns.reachesMore', { n: fmtInt(n - preview.names.length) }) : ''
  const names = preview.names.length ? `: ${preview.names.join(', ')}${more}` : ''
  const leads = preview.through_leads ? ` ${ct('campaigns.throughLeads', { n: fmtInt(preview.through_leads) })}` : ''
  return head.charAt(0).toUpperCase() + head.slice(1) + names + leads
}

function AudienceReach({ preview, warnings }: { preview: AudiencePreview | null; warnings: string[] }) {
  return (
    <div class="audience-reach">
      <p data-testid="audience-reach" aria-live="polite" class={preview?.reps === 0 ? 'error' : 'muted'}>
        {preview ? reachText(preview) : ct('common.loading')}
      </p>
      {warnings.map((w) => (
        <p key={w} class="error" role="alert" data-testid="audience-warning">
          {w}
        </p>
      ))}
    </div>
  )
}

export function CampaignEdit({ id }: { id: string | null }) {
  useLanguage()
  const loaded = useAsync(() => (id ? consoleApi.campaign(id) : Promise.resolve(null)), [id])
  return <Loadable state={loaded}>{(c) => <CampaignForm key={c?.id ?? 'new'} campaign={c} />}</Loadable>
}

/** A message to show once on the next form (after "create" moves to the new campaign's page). */
let flash: string | null = null

function CampaignForm({ campaign: initial }: { campaign: Campaign | null }) {
  const [campaign, setCampaign] = useState(initial)
  const [draft, setDraft] = useState(() => toDraft(initial))
  const [busy, setBusy] = useState(false)
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(() => {
    const text = flash
    flash = null
    return text ? { text, error: false } : null
  })
  const preview = useAudiencePreview(draft, campaign?.id ?? null)
  const warnings = audienceWarnings(draft, preview)
  // A confirmation holds for the audience it was given for; the server also asked when it refused one.
  const [confirmed, setConfirmed] = useState(false)
  const [serverAsked, setServerAsked] = useState(false)
  const audienceKey = JSON.stringify([draft.audience_all, draft.regions, draft.teams])
  useEffect(() => {
    setConfirmed(false)
    setServerAsked(false)
  }, [audienceKey])
  const needsConfirm = warnings.length > 0 || serverAsked
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setDraft((d) => ({ ...d, [k]: v }))
  const text = (k: keyof Draft) => (e: Event) => set(k, (e.currentTarget as HTMLInputElement).value as never)

  async function save(extra: CampaignInput = {}) {
    if (needsConfirm && !confirmed) {
      setMessage({ text: ct('campaigns.confirmFirst'), error: true })
      return
    }
    setBusy(true)
    try {
      const body = { ...fromDraft(draft), ...extra, confirm_unknown_audience: needsConfirm && confirmed }
      const saved = campaign ? await consoleApi.updateCampaign(campaign.id, body) : await consoleApi.createCampaign(body)
      lookups.forgetCampaigns()
      setCampaign(saved)
      setDraft(toDraft(saved))
      setMessage({ text: campaign ? ct('common.saved') : ct('campaigns.created'), error: false })
      if (!campaign) {
        flash = ct('campaigns.created')
        go(href(`/campaigns/${saved.id}`), { replace: true })
      }
    } catch (err) {
      if (err instanceof ApiError && err.status === 422 && err.fields.some((f) => f.field.startsWith('audience_'))) {
        setServerAsked(true) // e.g. the last rep of a region left since the preview
      }
      setMessage({ text: errorText(err), error: true })
    } finally {
      setBusy(false)
    }
  }

  return (
    <div>
      <div class="page-head">
        <h1>{campaign ? ct('campaigns.edit') : ct('campaigns.new')}</h1>
        {campaign && <span class={`status ${campaign.status}`} data-testid="campaign-status">{statusLabel(campaign.status)}</span>}
        <a href={href('/campaigns')}>{ct('common.back')}</a>
      </div>
      <form
        class="panel form"
        onSubmit={(e) => {
          e.preventDefault()
          void save()
        }}
      >
        <div class="grid2">
          <div class="field">
            <label for="c-name">{ct('campaigns.name')}</label>
            <input id="c-name" type="text" required maxLength={200} value={draft.name} onInput={text('name')} />
          </div>
          <div class="field">
            <label for="c-message">{ct('campaigns.message')}</label>
            <input id="c-message" type="text" maxLength={1000} value={draft.key_message} onInput={text('key_message')} />
          </div>
          <div class="field">
            <label for="c-starts">{ct('campaigns.starts')}</label>
            <input id="c-starts" type="date" value={draft.starts_on} onInput={text('starts_on')} />
          </div>
          <div class="field">
            <label for="c-ends">{ct('campaigns.ends')}</label>
            <input id="c-ends" type="date" value={draft.ends_on} onInput={text('ends_on')} />
          </div>
          <div class="field">
            <label for="c-share-days">{ct('campaigns.shareDays')}</label>
            <input id="c-share-days" type="number" inputMode="numeric" required min={1} max={365} step={1} aria-describedby="c-share-days-hint" value={draft.share_days} onInput={text('share_days')} />
            <p id="c-share-days-hint" class="muted small">{ct('campaigns.shareDaysHint')}</p>
          </div>
        </div>
        <MarkdownEditor id="c-talking" label={ct('campaigns.talkingPoints')} value={draft.talking_points_md} onInput={(v) => set('talking_points_md', v)} />
        <fieldset>
          <legend>{ct('campaigns.audience')}</legend>
          <label class="check">
            <input type="checkbox" checked={draft.audience_all} onChange={(e) => set('audience_all', (e.currentTarget as HTMLInputElement).checked)} />
            {ct('campaigns.audienceAll')}
          </label>
          {!draft.audience_all && (
            <div class="grid2">
              <div class="field">
                <label for="c-regions">{ct('campaigns.regions')}</label>
                <input id="c-regions" type="text" list="known-regions" placeholder={ct('common.commaHint')} value={draft.regions} onInput={text('regions')} />
              </div>
              <div class="field">
                <label for="c-teams">{ct('campaigns.teams')}</label>
                <input id="c-teams" type="text" list="known-teams" placeholder={ct('common.commaHint')} value={draft.teams} onInput={text('teams')} />
              </div>
              <datalist id="known-regions">{preview?.known_regions.map((r) => <option key={r} value={r} />)}</datalist>
              <datalist id="known-teams">{preview?.known_teams.map((r) => <option key={r} value={r} />)}</datalist>
            </div>
          )}
          <AudienceReach preview={preview} warnings={warnings} />
          {needsConfirm && (
            <label class="check">
              <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed((e.currentTarget as HTMLInputElement).checked)} />
              {ct('campaigns.confirmAudience')}
            </label>
          )}
        </fieldset>
        <p class={message?.error ? 'error' : 'ok'} role={message?.error ? 'alert' : 'status'}>
          {message?.text}
        </p>
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            {busy ? ct('common.saving') : ct('common.save')}
          </button>
          {campaign && campaign.status !== 'live' && (
            <button type="button" class="secondary" disabled={busy} onClick={() => save({ status: 'live' })}>
              {ct('campaigns.goLive')}
              {preview && <span data-testid="go-live-reach"> ({preview.reps === 1 ? ct('campaigns.reachesOne') : ct('campaigns.reaches', { n: fmtInt(preview.reps) })})</span>}
            </button>
          )}
          {campaign && campaign.status !== 'archived' && (
            <button type="button" class="secondary" disabled={busy} onClick={() => save({ status: 'archived' })}>
              {ct('campaigns.archive')}
            </button>
          )}
        </div>
      </form>
      {campaign && <CollateralPanel campaignId={campaign.id} />}
    </div>
  )
}
