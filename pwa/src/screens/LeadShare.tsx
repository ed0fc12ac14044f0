// "Share with the customer" on a lead: pick items (recommended first), queue the share in the
// outbox (works offline) and hand the link over through the share sheet, else the clipboard.
// Below, the lead's shares with what the customer read, from the last sync.
import { useState } from 'preact/hooks'
import { t, type MessageKey } from '../i18n'
import { createShare, linkOf, minutesRead, pageRanges, pendingShares, revokeShare } from '../offline/shares'
import type { SessionUser } from '../offline/session'
import type { CollateralSync, LeadSync, ShareSummary } from '../offline/types'
import { formatDate } from './format'
import { useLive } from './live'
import { shareText, type Shared } from './share'
import { showToast } from './Toast'
import { createTapGate } from './tap-gate'

const HANDED: Record<Exclude<Shared, null>, MessageKey> = { shared: 'share.shared', copied: 'share.copied', failed: 'share.failed' }

function isToday(iso: string, now: Date): boolean {
  return new Date(iso).toDateString() === now.toDateString()
}

/** "opened today, 3 min, pages 1–4" (or why there is nothing to read). */
export function readingLine(s: ShareSummary, now: Date = new Date()): string {
  if (s.status !== 'active' && !s.first_opened_at) return t(`share.${s.status}` as MessageKey)
  if (!s.last_opened_at) return t('share.notOpened')
  const when = isToday(s.last_opened_at, now) ? t('share.today') : formatDate(s.last_opened_at)
  const parts = [t('share.opened', { when })]
  if (s.seconds > 0) parts.push(t('share.minutes', { n: minutesRead(s) }))
  if (s.pages.length > 0) parts.push(t('share.pages', { pages: pageRanges(s.pages) }))
  if (s.downloads > 0) parts.push(t('share.downloads', { n: s.downloads }))
  if (s.status !== 'active') parts.push(t(`share.${s.status}` as MessageKey))
  return parts.join(', ')
}

async function handOver(link: string, company: string): Promise<void> {
  const result = await shareText(company, `${t('share.message')} ${link}`)
  if (result) showToast({ text: t(HANDED[result]) })
}

export function LeadShare({ user, lead, collateral }: { user: SessionUser; lead: LeadSync; collateral: CollateralSync[] }) {
  const recommended = lead.recommended_collateral_ids
  const [picking, setPicking] = useState(false)
  const [chosen, setChosen] = useState<Set<string>>(new Set())
  // One tap, one share: a double tap on Send must not make two links.
  const [gate] = useState(createTapGate)
  const data = useLive(async () => {
    const pending = await pendingShares(user.id, lead.id)
    const synced = lead.shares ?? []
    const ids = [...pending.map((p) => p.id), ...synced.map((s) => s.id)]
    const links = new Map(await Promise.all(ids.map(async (id) => [id, await linkOf(id)] as const)))
    return { pending: pending.filter((p) => !synced.some((s) => s.id === p.id)), links }
  }, [user.id, lead.id, lead.updated_at])
  const shareable = collateral.filter((c) => c.kind !== 'link' || c.url)
  if (shareable.length === 0 && !(lead.shares ?? []).length) return null

  function start() {
    gate.reopen()
    setChosen(new Set(shareable.filter((c) => recommended.includes(c.id)).map((c) => c.id)))
    setPicking(true)
  }
  function toggle(id: string) {
    const next = new Set(chosen)
    if (next.has(id)) next.delete(id)
    else next.add(id)
    setChosen(next)
  }
  async function send() {
    const ids = shareable.filter((c) => chosen.has(c.id)).map((c) => c.id)
    if (ids.length === 0 || !gate.tryTap()) return
    const { link } = await createShare(user.id, lead.id, ids)
    setPicking(false)
    await handOver(link, lead.company)
  }

  return (
    <section aria-labelledby="share-h" class="lead-share">
      <h2 id="share-h">{t('share.heading')}</h2>
      {!picking && (
        <button type="button" class="secondary" onClick={start}>
          {t('share.button')}
        </button>
      )}
      {picking && (
        <div role="group" aria-label={t('share.pick')}>
          <p class="muted">{t('share.pick')}</p>
          <ul class="share-pick">
            {shareable.map((c) => (
              <li key={c.id}>
                <label class="share-item">
                  <input type="checkbox" checked={chosen.has(c.id)} onChange={() => toggle(c.id)} /> {c.title}
                  {recommended.includes(c.id) && <span class="muted"> · {t('share.recommended')}</span>}
                </label>
              </li>
            ))}
          </ul>
          <div class="actions">
            <button type="button" disabled={chosen.size === 0} onClick={() => void send()}>
              {t('share.send')}
            </button>
            <button type="button" class="secondary" onClick={() => setPicking(false)}>
              {t('share.cancel')}
            </button>
          </div>
        </div>
      )}
      <ul class="shares" data-testid="lead-shares">
        {data?.pending.map((p) => (
          <li key={p.id} data-testid="lead-share">
            {t('share.items', { n: p.collateralIds.length })} · <span class="muted">{t('share.pending')}</span>
          </li>
        ))}
        {(lead.shares ?? []).map((s) => {
          const link = data?.links.get(s.id)
          return (
            <li key={s.id} data-testid="lead-share">
              {t('share.items', { n: s.collateral_ids.length })} · {formatDate(s.created_at)} · <span data-testid="share-reading">{readingLine(s)}</span>
              {s.status === 'active' && (
                <div class="actions">
                  {link && (
                    <button type="button" class="secondary" onClick={() => void handOver(link, lead.company)}>
                      {t('share.again')}
                    </button>
                  )}
                  <button type="button" class="secondary" onClick={() => void revokeShare(user.id, s.id).then(() => showToast({ text: t('share.revoking') }))}>
                    {t('share.revoke')}
                  </button>
                </div>
              )}
            </li>
          )
        })}
      </ul>
    </section>
  )
}
