// The sync engine: pulls what changed for this rep and pushes the outbox.
// - pull on start, on focus, on regaining the connection and every few minutes;
// - push in batches, with exponential backoff when the server can't be reached or fails;
// - an outbox entry leaves only when the server answered applied/duplicate for it;
//   rejected ones stay with the reason; a killed tab just means "sent" entries are sent again;
// - `reset: true` from the server starts a full snapshot: what the phone holds stays (marked
//   stale) until the snapshot's last page, then what it did not send again goes;
// - 401 (session revoked, user deactivated) wipes this user's content at once.
import { request } from '../api/client'
import type { IDBPTransaction, StoreValue } from 'idb'
import { db, SYNCED_STORES, type OutboxEntry, type StoreName, type StrangDB, type SyncState } from './db'
import type { SyncFailure } from './freshness'
import { deviceId, notifyOutbox, UNDO_MS } from './outbox'
import type { LeadPlan, PullResponse, PushResponse } from './types'

export const PUSH_BATCH = 100
export const PULL_LIMIT = 500
const BACKOFF_BASE_MS = 2000
const BACKOFF_MAX_MS = 5 * 60 * 1000
/** A request hanging on a weak rural connection gives up after this and counts as a timeout. */
export const REQUEST_TIMEOUT_MS = 30 * 1000
const timeout = () => AbortSignal.timeout(REQUEST_TIMEOUT_MS)

export interface SyncStatus {
  running: boolean
  lastPullAt: string | null
  lastPushAt: string | null
  /** Why the last round failed (null after a success); the screens word it in the rep's language. */
  failure: SyncFailure | null
  /** When the next attempt is due after a failure (ms since epoch), or null. */
  retryAt: number | null
}

type Listener = (status: SyncStatus) => void
const listeners = new Set<Listener>()
const dataListeners = new Set<() => void>()
let status: SyncStatus = { running: false, lastPullAt: null, lastPushAt: null, failure: null, retryAt: null }

export function setStatus(patch: Partial<SyncStatus>): void {
  status = { ...status, ...patch }
  for (const fn of listeners) fn(status)
}
export function syncStatus(): SyncStatus {
  return status
}
export function onSyncStatus(fn: Listener): () => void {
  listeners.add(fn)
  fn(status)
  return () => listeners.delete(fn)
}
/** Called after a pull changed the local data. */
export function onDataChange(fn: () => void): () => void {
  dataListeners.add(fn)
  return () => dataListeners.delete(fn)
}
function notifyData(): void {
  for (const fn of dataListeners) fn()
}

async function readState(userId: string): Promise<SyncState> {
  const d = await db()
  return (await d.get('sync', userId)) ?? { userId, cursor: null, lastPullAt: null, lastPushAt: null, lastError: null }
}
/** Shows the stored times of this user's last sync (they survive restarts and offline starts). */
export async function loadStatus(userId: string): Promise<void> {
  const state = await readState(userId)
  setStatus({ lastPullAt: state.lastPullAt, lastPushAt: state.lastPushAt, failure: null, retryAt: null })
}
async function writeState(state: SyncState): Promise<void> {
  const d = await db()
  await d.put('sync', state)
}

/**
 * Wipes everything the pull brought (briefs, collateral, cursors). The outbox, the local
 * outcome records, views and drafts stay: each is tied to its user and only shown to them.
 */
export async function wipeSynced(): Promise<void> {
  const d = await db()
  const tx = d.transaction([...SYNCED_STORES, 'sync', 'stale'], 'readwrite')
  for (const s of SYNCED_STORES) void tx.objectStore(s).clear()
  void tx.objectStore('sync').clear()
  void tx.objectStore('stale').clear()
  await tx.done
  notifyData()
}

type PageTx = IDBPTransaction<StrangDB, (StoreName | 'sync' | 'outbox' | 'stale')[], 'readwrite'>

/**
 * A snapshot after `reset: true` may take several pages, minutes apart on a bad connection or
 * across a restart. Meanwhile the rep keeps the leads, collateral and campaigns held before it
 * (and the cached files their collateral names): each is marked stale instead of deleted. A
 * second reset marks again everything held, what the first snapshot sent too.
 */
async function markStale(tx: PageTx): Promise<void> {
  for (const store of SYNCED_STORES)
    for (const id of await tx.objectStore(store).getAllKeys()) void tx.objectStore('stale').put({ store, id })
}

/** The snapshot is complete: what it did not send again is gone from the rep's sight. */
async function dropStale(tx: PageTx): Promise<void> {
  const stale = tx.objectStore('stale')
  for (const { store, id } of await stale.getAll()) void tx.objectStore(store).delete(id)
  await stale.clear()
}

/**
 * Applies one pull page in one transaction, with its cursor and a reset's stale marks (so a pull
 * resumed after a restart carries the snapshot on). A lead this phone re-planned with a
 * `lead.plan` not yet sent keeps the phone's next visit: the page may predate it (an Undo while
 * the plan it took back was on its way), and the server gets the phone's day with the next push.
 */
async function applyPage(userId: string, page: PullResponse): Promise<void> {
  const d = await db()
  const tx: PageTx = d.transaction([...SYNCED_STORES, 'sync', 'outbox', 'stale'], 'readwrite')
  const replanned = new Set(
    (await tx.objectStore('outbox').index('userId').getAll(userId))
      .filter((e) => e.status === 'queued' && e.mutation.type === 'lead.plan')
      .map((e) => (e.mutation as LeadPlan).lead_id),
  )
  const mine = new Map<string, string | null>()
  for (const id of replanned) {
    const here = await tx.objectStore('leads').get(id)
    if (here) mine.set(id, here.planned_visit_at)
  }
  if (page.reset) await markStale(tx)
  const stale = tx.objectStore('stale')
  const put = <S extends StoreName>(store: S, row: StoreValue<StrangDB, S>, id: string) => {
    void tx.objectStore(store).put(row)
    void stale.delete([store, id])
  }
  const remove = (store: StoreName, id: string) => {
    void tx.objectStore(store).delete(id)
    void stale.delete([store, id])
  }
  const c = page.changes ?? {}
  for (const row of c.campaigns ?? []) put('campaigns', row, row.id)
  for (const row of c.collateral ?? []) put('collateral', row, row.id)
  for (const row of c.leads ?? []) put('leads', mine.has(row.id) ? { ...row, planned_visit_at: mine.get(row.id) ?? null } : row, row.id)
  for (const row of c.outcome_codes ?? []) put('outcome_codes', row, row.code)
  for (const row of c.signals ?? []) put('signals', row, row.id)
  const r = page.removed ?? {}
  for (const id of r.campaigns ?? []) remove('campaigns', id)
  for (const id of r.collateral ?? []) remove('collateral', id)
  for (const id of r.leads ?? []) remove('leads', id)
  if (!page.has_more) await dropStale(tx)
  const prev = (await tx.objectStore('sync').get(userId)) ?? { userId, cursor: null, lastPullAt: null, lastPushAt: null, lastError: null }
  await tx.objectStore('sync').put({ ...prev, cursor: page.cursor, lastPullAt: new Date().toISOString(), lastError: null })
  await tx.done
}

export interface EngineOptions {
  userId: string
  /** Outcomes younger than this stay on the phone, so Undo can still simply delete them. */
  holdMs?: number
  /** The server said this session is over (401): the app wipes content and shows login. */
  onUnauthorized?: () => void
}

/** Pulls every page since the stored cursor. */
export async function pull(opts: EngineOptions): Promise<void> {
  let state = await readState(opts.userId)
  let cursor = state.cursor
  for (let guard = 0; guard < 1000; guard++) {
    const page = await request<PullResponse>('get', '/api/v1/sync/pull', undefined, {
      query: { cursor: cursor ?? undefined, limit: PULL_LIMIT },
      signal: timeout(),
    })
    await applyPage(opts.userId, page)
    cursor = page.cursor
    if (!page.has_more) break
  }
  state = await readState(opts.userId)
  setStatus({ lastPullAt: state.lastPullAt })
  notifyData()
}

/** True while an outcome is inside its Undo window (it is not sent yet). */
export function isHeld(e: OutboxEntry, holdMs: number, now: number = Date.now()): boolean {
  return e.mutation.type === 'outcome.log' && e.status === 'queued' && now - Date.parse(e.createdAt) < holdMs
}

/** How long until the youngest held outcome may go (0 when none is held). */
export async function heldFor(userId: string, holdMs: number = UNDO_MS): Promise<number> {
  const d = await db()
  const now = Date.now()
  let wait = 0
  for (const e of await d.getAllFromIndex('outbox', 'userId', userId))
    if (isHeld(e, holdMs, now)) wait = Math.max(wait, holdMs - (now - Date.parse(e.createdAt)))
  return wait
}

/** Marks this user's unsent entries as sent (in one transaction) and returns a batch. */
async function takeBatch(userId: string, holdMs: number): Promise<OutboxEntry[]> {
  const d = await db()
  const tx = d.transaction('outbox', 'readwrite')
  const now = Date.now()
  const all = (await tx.store.index('userId').getAll(userId))
    .filter((e) => e.status !== 'rejected' && !isHeld(e, holdMs, now))
    .sort((a, b) => a.seq - b.seq)
  const batch = all.slice(0, PUSH_BATCH)
  for (const e of batch) if (e.status === 'queued') void tx.store.put({ ...e, status: 'sent' })
  await tx.done
  return batch
}

/** Applies the server's answers: acknowledged entries leave, rejected ones keep the reason. */
async function settle(batch: OutboxEntry[], answer: PushResponse): Promise<number> {
  const d = await db()
  const tx = d.transaction(['outbox', 'outcomes'], 'readwrite')
  const byId = new Map(answer.results.map((r) => [r.id, r]))
  let acknowledged = 0
  for (const e of batch) {
    const r = byId.get(e.id)
    if (!r) continue
    if (r.status === 'applied' || r.status === 'duplicate') {
      void tx.objectStore('outbox').delete(e.id)
      acknowledged++
    } else {
      // the stable code only: the screens word it in the rep's language (the detail is English)
      void tx.objectStore('outbox').put({ ...e, status: 'rejected', reason: r.reason || 'other' })
    }
  }
  await tx.done
  return acknowledged
}

/** Pushes this user's outbox in batches until it is empty. Returns how many were acknowledged. */
export async function push(opts: EngineOptions): Promise<number> {
  const device = await deviceId()
  let total = 0
  for (let guard = 0; guard < 1000; guard++) {
    const batch = await takeBatch(opts.userId, opts.holdMs ?? UNDO_MS)
    if (batch.length === 0) break
    const answer = await request<PushResponse>('post', '/api/v1/sync/push', {
      device_id: device,
      mutations: batch.map((e) => e.mutation),
    }, { signal: timeout() })
    const n = await settle(batch, answer)
    total += n
    notifyOutbox()
    if (n === 0 && answer.results.every((r) => r.status === 'rejected')) {
      if (batch.length < PUSH_BATCH) break
    }
  }
  const state = await readState(opts.userId)
  const now = new Date().toISOString()
  await writeState({ ...state, lastPushAt: now })
  setStatus({ lastPushAt: now })
  return total
}

/** Delay before attempt number `failures` (1, 2, ...): doubling from 2 s, capped at 5 min, with jitter. */
export function backoffMs(failures: number, random: () => number = Math.random): number {
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, failures - 1))
  return Math.round(base * (0.75 + random() * 0.5))
}

/**
 * Delay before the next try after a failure: what the server asked for (`Retry-After`, a busy
 * server's 503 or a 429) plus up to half as much again, so phones told the same second do not
 * all come back in it; otherwise the exponential backoff.
 */
export function retryDelayMs(retryAfter: number | null, failures: number, random: () => number = Math.random): number {
  if (retryAfter && retryAfter > 0) return Math.round(retryAfter * 1000 * (1 + random() * 0.5))
  return backoffMs(failures, random)
}

/** One full round: push what is waiting, then pull. Throws on failure. */
export async function syncOnce(opts: EngineOptions): Promise<void> {
  await push(opts)
  await pull(opts)
}
