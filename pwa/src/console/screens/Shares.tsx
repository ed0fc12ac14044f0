// Shared links: per collateral item how often it was shared, opened and read, and how the lead's
// next visit went for opened and unopened shares (won share, n, Wilson interval); then the
// shares themselves, which marketing may revoke or delete. Loaded only when opened (lazy).
import { useState } from 'preact/hooks'
import { request } from '../../api/client'
import type { components } from '../../api/schema'
import { getLanguage } from '../../i18n'
import { useLanguage } from '../../i18n/hook'
import { consoleApi, errorText, type OutcomeCode } from '../api'
import { ct, fmtDate, fmtDateTime, fmtInt, fmtPct, fmtPoints } from '../i18n'
import { go, href, useLoc } from '../nav'
import { FilterSelect, Loadable, lookups, useAsync } from '../ui'

type Share = components['schemas']['SharePublic']
type ItemInsight = components['schemas']['ShareItemInsight']
type Rate = components['schemas']['NextVisitRate']
type ShareQuery = { from?: string; to?: string; campaign_id?: string }

const KEYS = ['from', 'to', 'campaign_id'] as const

function queryOf(params: URLSearchParams): ShareQuery {
  const out: ShareQuery = {}
  for (const key of KEYS) {
    const v = params.get(key)
    if (v) out[key] = v
  }
  return out
}

const sharesApi = {
  list: (query: ShareQuery) => request<Share[]>('get', '/api/v1/shares', undefined, { query }),
  insights: (query: ShareQuery) => request<ItemInsight[]>('get', '/api/v1/shares/insights', undefined, { query }),
  revoke: (id: string) => request<Share>('post', `/api/v1/shares/${id}/revoke`),
  remove: (id: string) => request<void>('delete', `/api/v1/shares/${id}`),
}

export function fmtSeconds(s: number | null | undefined): string {
  if (s == null) return ct('common.none')
  if (s < 60) return ct('shares.seconds', { s: fmtInt(s) })
  return ct('shares.minutes', { m: fmtInt(Math.floor(s / 60)), s: fmtInt(s % 60) })
}

/** 1,2,3,4,7 → "1–4, 7". */
export function pageRanges(pages: number[]): string {
  const out: string[] = []
  let i = 0
  while (i < pages.length) {
    let j = i
    while (j + 1 < pages.length && pages[j + 1] === pages[j]! + 1) j++
    out.push(j > i ? `${pages[i]}–${pages[j]}` : `${pages[i]}`)
    i = j + 1
  }
  return out.join(', ')
}

function ShareFilters({ query }: { query: ShareQuery }) {
  const campaigns = useAsync(() => lookups.campaigns(), [])
  const set = (key: keyof ShareQuery, value: string) => go(href('/shares', { ...query, [key]: value || undefined }))
  return (
    <form class="filters" aria-label={ct('filters.title')} onSubmit={(e) => e.preventDefault()}>
      <div class="field">
        <label for="f-from">{ct('shares.madeFrom')}</label>
        <input id="f-from" type="date" value={query.from ?? ''} onChange={(e) => set('from', (e.currentTarget as HTMLInputElement).value)} />
      </div>
      <div class="field">
        <label for="f-to">{ct('shares.madeTo')}</label>
        <input id="f-to" type="date" value={query.to ?? ''} onChange={(e) => set('to', (e.currentTarget as HTMLInputElement).value)} />
      </div>
      <FilterSelect id="f-campaign" label={ct('filters.campaign')} value={query.campaign_id ?? ''} options={(campaigns.data ?? []).map((c) => ({ value: c.id, label: c.name }))} onChange={(v) => set('campaign_id', v)} />
      {Object.keys(query).length > 0 && (
        <a class="button secondary reset" href={href('/shares')}>
          {ct('filters.reset')}
        </a>
      )}
    </form>
  )
}

function RateCell({ rate, testid }: { rate: Rate; testid: string }) {
  if (rate.visits === 0) {
    return (
      <td class="num muted" data-testid={testid}>
        {ct('common.none')}
      </td>
    )
  }
  return (
    <td class="num" data-testid={testid}>
      {fmtPct(rate.rate)} <span class="muted small">{ct('counters.wonOf', { k: fmtInt(rate.won), n: fmtInt(rate.visits) })}</span>
      <br />
      {rate.too_few ? (
        <span class="muted small">{ct('stats.tooFew')}</span>
      ) : (
        <span class="muted small interval">{ct('stats.interval', { low: fmtPct(rate.low), high: fmtPct(rate.high) })}</span>
      )}
    </td>
  )
}

function Difference({ item }: { item: ItemInsight }) {
  if (item.opened_verdict === 'too_few') {
    return (
      <td class="num muted" data-verdict="too_few" data-testid="share-difference">
        {ct('stats.tooFew')}
      </td>
    )
  }
  const tone = item.opened_verdict === 'above' ? 'up' : item.opened_verdict === 'below' ? 'down' : ''
  return (
    <td class={`num ${tone}`} data-verdict={item.opened_verdict} data-testid="share-difference" title={ct(`shares.verdict.${item.opened_verdict}`)}>
      {fmtPoints(item.opened_difference)}
      <br />
      <span class="muted small interval">{ct('stats.interval', { low: fmtPoints(item.opened_difference_low), high: fmtPoints(item.opened_difference_high) })}</span>
    </td>
  )
}

function ItemTable({ items, campaigns }: { items: ItemInsight[]; campaigns: Map<string, string> }) {
  return (
    <div class="table-wrap">
      <table data-testid="share-items">
        <thead>
          <tr>
            <th>{ct('col.title')}</th>
            <th class="num">{ct('shares.shared')}</th>
            <th class="num">{ct('shares.opened')}</th>
            <th class="num">{ct('shares.medianReading')}</th>
            <th class="num">{ct('shares.pagesRead')}</th>
            <th class="num">{ct('shares.nextOpened')}</th>
            <th class="num">{ct('shares.nextNotOpened')}</th>
            <th class="num">{ct('counters.difference')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((i) => (
            <tr key={i.collateral_id} data-testid="share-item" data-item={i.collateral_id}>
              <td>
                {i.title || ct('common.none')}
                {i.campaign_id && <span class="muted small"> {campaigns.get(i.campaign_id) ?? ''}</span>}
                {i.awaiting_next_visit > 0 && <div class="muted small">{ct('shares.awaiting', { n: fmtInt(i.awaiting_next_visit) })}</div>}
              </td>
              <td class="num" data-testid="share-item-shared">
                {fmtInt(i.shared)}
              </td>
              <td class="num" data-testid="share-item-opened">
                {fmtInt(i.opened)} <span class="muted small">({fmtPct(i.shared ? i.opened / i.shared : null)})</span>
                <br />
                <span class="muted small interval">{ct('stats.interval', { low: fmtPct(i.opened_low), high: fmtPct(i.opened_high) })}</span>
              </td>
              <td class="num">{fmtSeconds(i.median_seconds)}</td>
              <td class="num">{fmtInt(i.pages_read)}</td>
              <RateCell rate={i.next_visit_opened} testid="share-next-opened" />
              <RateCell rate={i.next_visit_not_opened} testid="share-next-not-opened" />
              <Difference item={i} />
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

function codeLabel(codes: OutcomeCode[], code: string): string {
  const found = codes.find((c) => c.code === code)
  if (!found) return code
  return getLanguage() === 'de' ? found.label_de : found.label_en
}

function statusLabel(status: Share['status']): string {
  return ct(`shares.status.${status}`)
}

function ShareRow({ share, titles, codes, campaigns, onChanged }: { share: Share; titles: Map<string, string>; codes: OutcomeCode[]; campaigns: Map<string, string>; onChanged: () => void }) {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const company = share.lead_company || ct('common.none')
  async function act(run: () => Promise<unknown>) {
    setBusy(true)
    setError(null)
    try {
      await run()
      onChanged()
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }
  const revoke = () => {
    if (confirm(ct('shares.revokeConfirm', { company }))) void act(() => sharesApi.revoke(share.id))
  }
  const remove = () => {
    if (confirm(ct('shares.deleteConfirm', { company }))) void act(() => sharesApi.remove(share.id))
  }
  const next = share.next_visit
  return (
    <tr data-testid="share-row" data-share={share.id} data-status={share.status}>
      <td>
        <a href={href(`/leads/${share.lead_id}`)}>{company}</a>
        {share.campaign_id && <div class="muted small">{campaigns.get(share.campaign_id) ?? ''}</div>}
      </td>
      <td>{share.rep_name}</td>
      <td class="small">{share.collateral_ids.map((id) => titles.get(id) ?? ct('common.none')).join(', ')}</td>
      <td>
        <time dateTime={share.created_at}>{fmtDateTime(share.created_at)}</time>
      </td>
      <td>
        <time dateTime={share.expires_at}>{fmtDate(share.expires_at)}</time>
      </td>
      <td data-testid="share-opened">
        {share.first_opened_at ? (
          <>
            <time dateTime={share.first_opened_at}>{fmtDateTime(share.first_opened_at)}</time>
            {share.visits > 1 && <div class="muted small">{ct('shares.openings', { n: fmtInt(share.visits) })}</div>}
          </>
        ) : (
          <span class="muted">{ct('shares.notOpened')}</span>
        )}
      </td>
      <td>
        {share.first_opened_at ? fmtSeconds(share.seconds) : ct('common.none')}
        {share.pages.length > 0 && <div class="muted small">{ct('shares.pages', { pages: pageRanges(share.pages) })}</div>}
      </td>
      <td data-testid="share-next">
        {next ? (
          <>
            <span class="chip" data-code={next.code}>
              {codeLabel(codes, next.code)}
            </span>
            <div class="muted small">
              <time dateTime={next.occurred_at}>{fmtDateTime(next.occurred_at)}</time> · {next.rep_name}
            </div>
          </>
        ) : (
          <span class="muted">{ct('shares.noNextVisit')}</span>
        )}
      </td>
      <td data-testid="share-status">{statusLabel(share.status)}</td>
      <td class="row-actions">
        {share.status === 'active' && (
          <button type="button" class="secondary small" disabled={busy} onClick={revoke}>
            {ct('shares.revoke')}
          </button>
        )}{' '}
        <button type="button" class="link small" disabled={busy} onClick={remove}>
          {ct('shares.delete')}
        </button>
        {error && (
          <div class="error" role="alert">
            {error}
          </div>
        )}
      </td>
    </tr>
  )
}

export function Shares() {
  useLanguage()
  const loc = useLoc()
  const query = queryOf(loc.query)
  const key = JSON.stringify(query)
  const items = useAsync(() => sharesApi.insights(query), [key])
  const shares = useAsync(() => sharesApi.list(query), [key])
  const extras = useAsync(() => Promise.all([consoleApi.outcomeCodes(), lookups.campaigns()]), [])
  const reload = () => {
    items.reload()
    shares.reload()
  }
  const titles = new Map((items.data ?? []).map((i) => [i.collateral_id, i.title]))
  const [codes, campaignList] = extras.data ?? [[], []]
  const campaigns = new Map(campaignList.map((c) => [c.id, c.name]))
  return (
    <>
      <div class="page-head">
        <h1>{ct('shares.title')}</h1>
      </div>
      <ShareFilters query={query} />
      <section class="panel" aria-labelledby="share-items-h">
        <h2 id="share-items-h">{ct('shares.itemsTitle')}</h2>
        <p class="muted small" data-testid="share-note">
          {ct('shares.note')}
        </p>
        <Loadable state={items}>{(d) => (d.length === 0 ? <p class="muted">{ct('shares.none')}</p> : <ItemTable items={d} campaigns={campaigns} />)}</Loadable>
      </section>
      <section class="panel" aria-labelledby="share-list-h">
        <h2 id="share-list-h">{ct('shares.listTitle')}</h2>
        <Loadable state={shares}>
          {(list) =>
            list.length === 0 ? (
              <p class="muted">{ct('shares.none')}</p>
            ) : (
              <div class="table-wrap">
                <table data-testid="share-list">
                  <thead>
                    <tr>
                      <th>{ct('col.company')}</th>
                      <th>{ct('col.rep')}</th>
                      <th>{ct('shares.items')}</th>
                      <th>{ct('shares.made')}</th>
                      <th>{ct('shares.ends')}</th>
                      <th>{ct('shares.openedCol')}</th>
                      <th>{ct('shares.reading')}</th>
                      <th>{ct('shares.nextVisit')}</th>
                      <th>{ct('col.status')}</th>
                      <th />
                    </tr>
                  </thead>
                  <tbody>
                    {list.map((s) => (
                      <ShareRow key={s.id} share={s} titles={titles} codes={codes} campaigns={campaigns} onChanged={reload} />
                    ))}
                  </tbody>
                </table>
                {list.length >= 200 && <p class="muted small">{ct('shares.newest')}</p>}
              </div>
            )
          }
        </Loadable>
      </section>
    </>
  )
}
