// Shares with a lead's customer: made on the phone (online or offline) as a `share.create` in
// the outbox. The phone makes the token (128 random bits) and keeps it to show the link again;
// the server only ever keeps its hash. The link works once the phone has synced.
import { db } from './db'
import { enqueue, newId } from './outbox'
import type { ShareCreate, ShareSummary } from './types'

const TOKEN_KEY = 'share.token.'

function base64url(bytes: Uint8Array): string {
  let text = ''
  for (const b of bytes) text += String.fromCharCode(b)
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** 128 random bits, 22 characters. */
export function newShareToken(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(16)))
}

export function shareLink(token: string, origin: string = globalThis.location?.origin ?? ''): string {
  return `${origin}/s/${token}`
}

/** Queues a share of `collateralIds` for the lead's customer; the link to hand over. */
export async function createShare(userId: string, leadId: string, collateralIds: readonly string[]): Promise<{ shareId: string; link: string }> {
  const token = newShareToken()
  const shareId = newId()
  await (await db()).put('meta', token, TOKEN_KEY + shareId)
  await enqueue(userId, (id, seq): ShareCreate => ({ type: 'share.create', id, seq, share_id: shareId, lead_id: leadId, token, collateral_ids: [...collateralIds] }))
  return { shareId, link: shareLink(token) }
}

export async function revokeShare(userId: string, shareId: string): Promise<void> {
  await enqueue(userId, (id, seq) => ({ type: 'share.revoke', id, seq, share_id: shareId }))
}

/** The link of a share made on this phone (other phones' shares have none here). */
export async function linkOf(shareId: string): Promise<string | null> {
  const token = (await (await db()).get('meta', TOKEN_KEY + shareId)) as string | undefined
  return token ? shareLink(token) : null
}

/** Shares of a lead this phone made that the server has not confirmed yet. */
export async function pendingShares(userId: string, leadId: string): Promise<{ id: string; collateralIds: string[]; createdAt: string }[]> {
  const entries = await (await db()).getAllFromIndex('outbox', 'userId', userId)
  return entries.flatMap((e) =>
    e.mutation.type === 'share.create' && e.mutation.lead_id === leadId && e.status !== 'rejected'
      ? [{ id: e.mutation.share_id, collateralIds: e.mutation.collateral_ids, createdAt: e.createdAt }]
      : [],
  )
}

/** Pages read as ranges: [1, 2, 3, 4, 7] -> "1–4, 7". */
export function pageRanges(pages: readonly number[]): string {
  const sorted = [...new Set(pages)].sort((a, b) => a - b)
  const parts: string[] = []
  for (let i = 0; i < sorted.length; i++) {
    const start = sorted[i]!
    let end = start
    while (sorted[i + 1] === end + 1) end = sorted[++i]!
    parts.push(start === end ? `${start}` : `${start}–${end}`)
  }
  return parts.join(', ')
}

/** Reading minutes, rounded up once anything was read. */
export function minutesRead(share: Pick<ShareSummary, 'seconds'>): number {
  return Math.ceil(share.seconds / 60)
}
