// Keeping collateral fresh: tags, valid-until and review dates, the warning before an item
// expires (on its row, above the campaign's list and on the dashboard), and its history.
import { useState } from 'preact/hooks'
import { errorText } from '../../i18n/errors'
import { consoleApi, type Collateral, type CollateralChange } from '../api'
import { ct, fmtDate, fmtDateTime } from '../i18n'
import { href } from '../nav'
import { Loadable, useAsync } from '../ui'

/** Days the console warns ahead of an item's valid-until date (as the server's `expiring`). */
export const WARN_DAYS = 14

export interface Freshness {
  tags: string
  validUntil: string
  reviewOn: string
}

export const NO_FRESHNESS: Freshness = { tags: '', validUntil: '', reviewOn: '' }

export function freshnessOf(item: Collateral | null): Freshness {
  return item ? { tags: item.tags.join(', '), validUntil: item.valid_until ?? '', reviewOn: item.review_on ?? '' } : NO_FRESHNESS
}

/** The upload form's fields for tags and dates (empty ones are left out). */
export function addFreshness(form: FormData, value: Freshness): void {
  if (value.tags.trim()) form.set('tags', value.tags)
  if (value.validUntil) form.set('valid_until', value.validUntil)
  if (value.reviewOn) form.set('review_on', value.reviewOn)
}

/** The same as a PATCH body: tags as a list, an emptied date as null (cleared). */
function patchOf(value: Freshness) {
  return {
    tags: value.tags.split(',').map((t) => t.trim()).filter(Boolean),
    valid_until: value.validUntil || null,
    review_on: value.reviewOn || null,
  }
}

/** Whole days from today (the browser's) to an ISO date. */
function daysUntil(iso: string, now: Date = new Date()): number {
  const [y, m, d] = iso.split('-').map(Number)
  const today = new Date(now.getFullYear(), now.getMonth(), now.getDate())
  return Math.round((new Date(y!, m! - 1, d!).getTime() - today.getTime()) / 86_400_000)
}

/** "Expired" or "Expires in N days", as the server judged it in the organisation's zone. */
export function FreshnessBadge({ item }: { item: Collateral }) {
  if (item.expired) return <span class="status expired" data-testid="expired-badge">{ct('fresh.expired')}</span>
  if (!item.expiring || !item.valid_until) return null
  const days = Math.max(0, daysUntil(item.valid_until))
  return (
    <span class="status expiring" data-testid="expiring-badge" title={ct('fresh.validUntil') + ': ' + fmtDate(item.valid_until)}>
      {days === 0 ? ct('fresh.expiresToday') : ct('fresh.expiresIn', { n: days })}
    </span>
  )
}

export function TagList({ tags }: { tags: string[] }) {
  if (tags.length === 0) return null
  return (
    <span class="tags">
      {tags.map((t) => (
        <span key={t} class="chip">
          {t}
        </span>
      ))}
    </span>
  )
}

/** Inputs for tags, valid-until and review date; `prefix` keeps the ids unique per form. */
export function FreshnessInputs({ prefix, value, onChange }: { prefix: string; value: Freshness; onChange: (v: Freshness) => void }) {
  const set = (key: keyof Freshness) => (e: Event) => onChange({ ...value, [key]: (e.currentTarget as HTMLInputElement).value })
  return (
    <div class="grid3">
      <div class="field">
        <label for={`${prefix}-tags`}>{ct('fresh.tags')}</label>
        <input id={`${prefix}-tags`} type="text" maxLength={1000} placeholder={ct('common.commaHint')} value={value.tags} onInput={set('tags')} />
      </div>
      <div class="field">
        <label for={`${prefix}-valid`}>{ct('fresh.validUntil')}</label>
        <input id={`${prefix}-valid`} type="date" min="2000-01-01" max="2100-12-31" value={value.validUntil} onInput={set('validUntil')} />
      </div>
      <div class="field">
        <label for={`${prefix}-review`}>{ct('fresh.reviewOn')}</label>
        <input id={`${prefix}-review`} type="date" min="2000-01-01" max="2100-12-31" value={value.reviewOn} onInput={set('reviewOn')} />
      </div>
    </div>
  )
}

const LABELS: Record<string, string> = { tags: 'tags', valid_until: 'validUntil', review_on: 'reviewOn' }

/** An item's tags and dates to edit, and its history (who, when, what changed). */
export function ItemDetails({ item, onSaved }: { item: Collateral; onSaved: () => void }) {
  const [value, setValue] = useState(freshnessOf(item))
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null)
  const history = useAsync(() => consoleApi.collateralHistory(item.id), [item.id])
  const prefix = `d-${item.id.slice(0, 8)}`

  async function save(e: Event) {
    e.preventDefault()
    try {
      await consoleApi.updateCollateral(item.id, patchOf(value))
      setMessage({ text: ct('fresh.saved'), error: false })
      history.reload()
      onSaved()
    } catch (err) {
      const labels = Object.fromEntries(Object.entries(LABELS).map(([k, v]) => [k, ct(`fresh.${v}` as 'fresh.tags')]))
      setMessage({ text: errorText(err, labels), error: true })
    }
  }

  return (
    <div class="item-details" data-testid="item-details">
      <form class="upload" onSubmit={save}>
        <h3>{ct('fresh.edit', { title: item.title })}</h3>
        <FreshnessInputs prefix={prefix} value={value} onChange={setValue} />
        <p class={message?.error ? 'error' : 'ok'} role={message?.error ? 'alert' : 'status'}>
          {message?.text}
        </p>
        <div class="actions">
          <button type="submit" class="primary">
            {ct('common.save')}
          </button>
        </div>
      </form>
      <h3>{ct('fresh.history')}</h3>
      <Loadable state={history}>{(rows) => <HistoryList rows={rows} />}</Loadable>
    </div>
  )
}

function shown(value: unknown): string {
  if (value === null || value === undefined || value === '') return ct('common.none')
  if (Array.isArray(value)) return value.length ? value.join(', ') : ct('common.none')
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return fmtDate(value)
  if (typeof value === 'string' && /^[0-9a-f]{64}$/.test(value)) return value.slice(0, 10) + '…'
  return String(value)
}

function HistoryList({ rows }: { rows: CollateralChange[] }) {
  if (rows.length === 0) return <p class="muted">{ct('common.empty')}</p>
  return (
    <ol class="history" data-testid="collateral-history">
      {[...rows].reverse().map((row) => (
        <li key={row.id}>
          <strong>{ct(`fresh.action.${row.action}`)}</strong> · v{row.version} · {row.user_name ?? ct('common.none')} · {fmtDateTime(row.at)}
          {Object.keys(row.fields).length > 0 && (
            <ul>
              {Object.entries(row.fields).map(([name, change]) => (
                <li key={name}>
                  {ct(`fresh.field.${name}` as 'fresh.field.title')}: {shown(change.before)} → {shown(change.after)}
                </li>
              ))}
            </ul>
          )}
        </li>
      ))}
    </ol>
  )
}

/** Above a campaign's list: how many of its items expire within 14 days. */
export function ExpiringNote({ items }: { items: Collateral[] }) {
  const soon = items.filter((i) => i.expiring).length
  const gone = items.filter((i) => i.expired).length
  if (!soon && !gone) return null
  return (
    <p class="warning" role="status" data-testid="expiring-note">
      {soon > 0 && ct('fresh.soonCount', { n: soon, days: WARN_DAYS })} {gone > 0 && ct('fresh.expiredCount', { n: gone })}
    </p>
  )
}

/** The dashboard's warning: every campaign's items that expire within 14 days. */
export function ExpiringPanel() {
  const items = useAsync(() => consoleApi.expiringCollateral(WARN_DAYS), [])
  return (
    <section class="panel" aria-labelledby="dash-expiring">
      <h2 id="dash-expiring">{ct('fresh.dashTitle', { days: WARN_DAYS })}</h2>
      <Loadable state={items}>
        {(list) =>
          list.length === 0 ? (
            <p class="muted">{ct('fresh.noneExpiring')}</p>
          ) : (
            <ul class="signal-mini" data-testid="expiring-list">
              {list.map((item) => (
                <li key={item.id}>
                  <FreshnessBadge item={item} /> <a href={href(`/campaigns/${item.campaign_id}`)}>{item.title}</a>
                  <span class="muted"> — {item.campaign_name}, {fmtDate(item.valid_until)}</span>
                </li>
              ))}
            </ul>
          )
        }
      </Loadable>
    </section>
  )
}
