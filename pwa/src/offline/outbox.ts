// The outbox: taps waiting for the server, written in the same transaction as the tap.
// Only acknowledged mutations ever leave it; rejected ones stay, with the reason, for the rep.
import { db, type CollateralView, type LocalOutcome, type OutboxEntry } from './db'
import type { Mutation, OutcomeLog, SignalKind } from './types'

/** Collateral opened for a lead within this window is attached to the outcome. */
export const VIEW_WINDOW_MS = 12 * 60 * 60 * 1000
/** How long Undo is offered after a tap. */
export const UNDO_MS = 8000

const listeners = new Set<() => void>()
/** Subscribes to outbox/outcome changes (counts, logged marks). */
export function onOutboxChange(fn: () => void): () => void {
  listeners.add(fn)
  return () => listeners.delete(fn)
}
export function notifyOutbox(): void {
  for (const fn of listeners) fn()
}

export function newId(): string {
  return crypto.randomUUID()
}

/** This device's id, made once and kept. */
export async function deviceId(): Promise<string> {
  const d = await db()
  const tx = d.transaction('meta', 'readwrite')
  let id = (await tx.store.get('device.id')) as string | undefined
  if (!id) {
    id = `web-${newId()}`
    await tx.store.put(id, 'device.id')
  }
  await tx.done
  return id
}

export interface OutcomeInput {
  userId: string
  leadId: string
  code: string
  details?: string[]
  note?: string
  fit?: { collateral_id: string; fit: 'up' | 'down' }[]
  now?: Date
}

function mergeViews(views: CollateralView[]): OutcomeLog['collateral_viewed'] {
  const byId = new Map<string, { collateral_id: string; seconds: number; pages: Set<number> }>()
  for (const v of views) {
    const got = byId.get(v.collateralId) ?? { collateral_id: v.collateralId, seconds: 0, pages: new Set<number>() }
    got.seconds += v.seconds
    v.pages.forEach((p) => got.pages.add(p))
    byId.set(v.collateralId, got)
  }
  return [...byId.values()].map((v) => ({
    collateral_id: v.collateral_id,
    seconds: Math.min(Math.round(v.seconds), 86_400),
    pages: [...v.pages].sort((a, b) => a - b),
  }))
}

/**
 * Logs an outcome: the outbox entry, the local "logged today" record and the next sequence
 * number are written in ONE transaction, with no network. Returns the outcome id (for Undo).
 */
export async function logOutcome(input: OutcomeInput): Promise<string> {
  const d = await db()
  const now = input.now ?? new Date()
  const id = newId()
  const tx = d.transaction(['meta', 'outbox', 'outcomes', 'views'], 'readwrite')
  const since = now.getTime() - VIEW_WINDOW_MS
  const views = (await tx.objectStore('views').index('leadId').getAll(input.leadId)).filter(
    (v) => v.userId === input.userId && Date.parse(v.at) >= since,
  )
  const seq = await nextSeq(tx.objectStore('meta'))
  const mutation: OutcomeLog = {
    type: 'outcome.log',
    id,
    seq,
    lead_id: input.leadId,
    code: input.code,
    occurred_at: now.toISOString(),
    details: input.details ?? [],
    note: input.note ?? '',
    collateral_viewed: mergeViews(views),
    collateral_fit: input.fit ?? [],
  }
  const entry: OutboxEntry = { id, userId: input.userId, seq, mutation, status: 'queued', createdAt: now.toISOString() }
  const local: LocalOutcome = { id, userId: input.userId, leadId: input.leadId, code: input.code, occurredAt: mutation.occurred_at, retracted: false }
  void tx.objectStore('outbox').add(entry)
  void tx.objectStore('outcomes').add(local)
  await tx.done
  notifyOutbox()
  return id
}

type MetaStore = { get(key: string): Promise<unknown>; put(value: unknown, key: string): Promise<unknown> }
async function nextSeq(meta: MetaStore): Promise<number> {
  const seq = (((await meta.get('device.seq')) as number | undefined) ?? 0) + 1
  await meta.put(seq, 'device.seq')
  return seq
}

/** Queues any other mutation (signals, retractions) with the next sequence number. */
export async function enqueue(userId: string, make: (id: string, seq: number) => Mutation, now: Date = new Date()): Promise<OutboxEntry> {
  const d = await db()
  const tx = d.transaction(['meta', 'outbox'], 'readwrite')
  const seq = await nextSeq(tx.objectStore('meta'))
  const mutation = make(newId(), seq)
  const entry: OutboxEntry = { id: mutation.id, userId, seq, mutation, status: 'queued', createdAt: now.toISOString() }
  void tx.objectStore('outbox').add(entry)
  await tx.done
  notifyOutbox()
  return entry
}

/**
 * Takes back an outcome. Unsent: its outbox entry is deleted (the server never hears of it).
 * Sent or maybe sent: an `outcome.retract` is queued. Either way it no longer counts here.
 */
export async function undoOutcome(userId: string, outcomeId: string): Promise<'deleted' | 'retracted'> {
  const d = await db()
  const tx = d.transaction(['meta', 'outbox', 'outcomes'], 'readwrite')
  const outbox = tx.objectStore('outbox')
  const entry = await outbox.get(outcomeId)
  let result: 'deleted' | 'retracted'
  if (entry && entry.status === 'queued') {
    await outbox.delete(outcomeId)
    await tx.objectStore('outcomes').delete(outcomeId)
    result = 'deleted'
  } else {
    const seq = await nextSeq(tx.objectStore('meta'))
    const id = newId()
    await outbox.add({
      id,
      userId,
      seq,
      mutation: { type: 'outcome.retract', id, seq, outcome_id: outcomeId },
      status: 'queued',
      createdAt: new Date().toISOString(),
    })
    const local = await tx.objectStore('outcomes').get(outcomeId)
    if (local) await tx.objectStore('outcomes').put({ ...local, retracted: true })
    result = 'retracted'
  }
  await tx.done
  notifyOutbox()
  return result
}

export async function sendSignal(
  userId: string,
  input: { kind: SignalKind; text: string; leadId?: string | null; campaignId?: string | null; now?: Date },
): Promise<OutboxEntry> {
  // The tap's time goes with the signal: it may reach the server hours later.
  const now = input.now ?? new Date()
  return enqueue(
    userId,
    (id, seq) => ({
      type: 'signal.send',
      id,
      seq,
      kind: input.kind,
      lead_id: input.leadId ?? null,
      campaign_id: input.campaignId ?? null,
      text: input.text,
      occurred_at: now.toISOString(),
    }),
    now,
  )
}

/** Remembers that a collateral item was shown for a lead (seconds, pages). */
export async function recordView(view: Omit<CollateralView, 'id' | 'at'> & { at?: string }): Promise<void> {
  if (view.seconds <= 0 && view.pages.length === 0) return
  const d = await db()
  await d.add('views', { ...view, at: view.at ?? new Date().toISOString() })
}

/** This user's outbox, oldest first. */
export async function outboxOf(userId: string): Promise<OutboxEntry[]> {
  const d = await db()
  const all = await d.getAllFromIndex('outbox', 'userId', userId)
  return all.sort((a, b) => a.seq - b.seq)
}

export async function pendingCount(userId: string): Promise<{ pending: number; rejected: number }> {
  const entries = await outboxOf(userId)
  const rejected = entries.filter((e) => e.status === 'rejected').length
  return { pending: entries.length - rejected, rejected }
}

/** Removes a rejected entry once the rep has seen it. */
export async function dismissRejected(id: string): Promise<void> {
  const d = await db()
  const tx = d.transaction(['outbox', 'outcomes'], 'readwrite')
  const entry = await tx.objectStore('outbox').get(id)
  if (entry?.status === 'rejected') {
    await tx.objectStore('outbox').delete(id)
    if (entry.mutation.type === 'outcome.log') await tx.objectStore('outcomes').delete(id)
  }
  await tx.done
  notifyOutbox()
}

/** Outcomes logged on this phone by this user (not taken back). */
export async function localOutcomes(userId: string): Promise<LocalOutcome[]> {
  const d = await db()
  return (await d.getAllFromIndex('outcomes', 'userId', userId)).filter((o) => !o.retracted)
}
