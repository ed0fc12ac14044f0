// The outbox: taps waiting for the server, written in the same transaction as the tap.
// Only acknowledged mutations ever leave it; rejected ones stay, with the reason, for the rep.
import type { IDBPDatabase, IDBPTransaction } from 'idb'
import { dayOf } from './content'
import { db, type CollateralView, type LocalOutcome, type OutboxEntry, type StrangDB } from './db'
import type { LeadPlan, Mutation, OutcomeAmend, OutcomeLog, SignalKind } from './types'

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

type OutcomeTx = IDBPTransaction<StrangDB, ('meta' | 'outbox' | 'outcomes' | 'views')[], 'readwrite'>

/** Writes one outcome inside `tx`: outbox entry, local record and the next sequence number. */
async function addOutcome(tx: OutcomeTx, input: OutcomeInput): Promise<string> {
  const now = input.now ?? new Date()
  const id = newId()
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
  const local: LocalOutcome = {
    id,
    userId: input.userId,
    leadId: input.leadId,
    code: input.code,
    occurredAt: mutation.occurred_at,
    retracted: false,
    details: mutation.details,
    note: mutation.note,
  }
  void tx.objectStore('outbox').add(entry)
  void tx.objectStore('outcomes').add(local)
  return id
}

function outcomeTx(d: IDBPDatabase<StrangDB>): OutcomeTx {
  return d.transaction(['meta', 'outbox', 'outcomes', 'views'], 'readwrite')
}

/**
 * Logs an outcome: the outbox entry, the local "logged today" record and the next sequence
 * number are written in ONE transaction, with no network. Returns the outcome id (for Undo).
 */
export async function logOutcome(input: OutcomeInput): Promise<string> {
  const tx = outcomeTx(await db())
  const id = await addOutcome(tx, input)
  await tx.done
  notifyOutbox()
  return id
}

/** What one tap on an outcome button did. */
export interface VisitTap {
  /** The outcomes the confirmation stands for (what its Undo takes back). */
  ids: string[]
  /** The code logged: the tapped one, or the one found already logged. */
  code: string
  /** False when this phone had already logged a visit for the lead today that the screen did not show. */
  created: boolean
}

/**
 * The tap of the lead screen. `shown` are the ids of the visits the screen showed as logged
 * today for this lead when the rep tapped. If this phone holds another live outcome of the
 * rep for the lead today (another window of the app logged it meanwhile), nothing is written
 * and the tap stands for that visit instead: one tap is one visit, across windows too. Checked
 * and written in one transaction.
 */
export async function logVisit(input: OutcomeInput, shown: readonly string[]): Promise<VisitTap> {
  const tx = outcomeTx(await db())
  const today = dayOf(input.now ?? new Date())
  const unseen = (await tx.objectStore('outcomes').index('leadId').getAll(input.leadId)).filter(
    (o) => o.userId === input.userId && !o.retracted && !shown.includes(o.id) && dayOf(o.occurredAt) === today,
  )
  if (unseen.length > 0) {
    await tx.done
    notifyOutbox() // the screen shows the visit the tap now stands for
    return { ids: unseen.map((o) => o.id), code: unseen[unseen.length - 1]!.code, created: false }
  }
  const id = await addOutcome(tx, input)
  await tx.done
  notifyOutbox()
  return { ids: [id], code: input.code, created: true }
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

export type TakenBack = 'deleted' | 'retracted' | 'already'

/**
 * Takes back outcomes, each exactly once, in one transaction. Unsent: its outbox entry is
 * deleted (the server never hears of it). Sent or maybe sent: an `outcome.retract` is queued.
 * Already taken back (a retraction queued or the local record retracted): nothing more.
 * Either way none of them counts here any more.
 */
export async function undoOutcomes(userId: string, outcomeIds: readonly string[]): Promise<TakenBack[]> {
  const d = await db()
  const tx = d.transaction(['meta', 'outbox', 'outcomes'], 'readwrite')
  const outbox = tx.objectStore('outbox')
  const outcomes = tx.objectStore('outcomes')
  const retracting = new Set(
    (await outbox.index('userId').getAll(userId)).flatMap((e) => (e.mutation.type === 'outcome.retract' ? [e.mutation.outcome_id] : [])),
  )
  const results: TakenBack[] = []
  for (const outcomeId of new Set(outcomeIds)) {
    const entry = await outbox.get(outcomeId)
    const local = await outcomes.get(outcomeId)
    if (local?.retracted || retracting.has(outcomeId)) {
      results.push('already')
    } else if (entry?.status === 'queued') {
      // kept, taken back, so that a second Undo knows it is done
      await outbox.delete(outcomeId)
      if (local) await outcomes.put({ ...local, retracted: true })
      results.push('deleted')
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
      retracting.add(outcomeId)
      if (local) await outcomes.put({ ...local, retracted: true })
      results.push('retracted')
    }
  }
  await tx.done
  notifyOutbox()
  return results
}

/** Takes back one outcome (see `undoOutcomes`). */
export async function undoOutcome(userId: string, outcomeId: string): Promise<TakenBack> {
  return (await undoOutcomes(userId, [outcomeId]))[0]!
}

/** What was added after the tap: chips (all of them, replacing), a note (replacing). */
export interface Amendment {
  details?: string[]
  note?: string
}

/**
 * How an amendment went: `in-place` changed the still unsent tap itself (same mutation id);
 * `merged` changed a still unsent amendment of it; `queued` added an `outcome.amend` (the
 * tap was sent or may have been); `gone` did nothing (taken back, or not on this phone).
 */
export type Amended = 'in-place' | 'merged' | 'queued' | 'gone'

/**
 * Adds detail chips or a note to an outcome after the tap, exactly once: in one transaction,
 * an unsent `outcome.log` is changed in place, else an unsent `outcome.amend` of it, else a new
 * `outcome.amend` is queued behind it. "Unsent" means never tried (`queued`): a tap being sent
 * or sent without an answer is amended by a mutation of its own, so nothing is lost whatever
 * the server got.
 */
export async function amendOutcome(userId: string, outcomeId: string, change: Amendment): Promise<Amended> {
  const d = await db()
  const tx = d.transaction(['meta', 'outbox', 'outcomes'], 'readwrite')
  const outbox = tx.objectStore('outbox')
  const local = await tx.objectStore('outcomes').get(outcomeId)
  let result: Amended = 'gone'
  if (local && local.userId === userId && !local.retracted) {
    const entry = await outbox.get(outcomeId)
    if (entry?.status === 'queued' && entry.mutation.type === 'outcome.log') {
      await outbox.put({ ...entry, mutation: { ...entry.mutation, ...change } })
      result = 'in-place'
    } else {
      const waiting = (await outbox.index('userId').getAll(userId)).find(
        (e) => e.status === 'queued' && e.mutation.type === 'outcome.amend' && e.mutation.outcome_id === outcomeId,
      )
      if (waiting) {
        await outbox.put({ ...waiting, mutation: { ...(waiting.mutation as OutcomeAmend), ...change } })
        result = 'merged'
      } else {
        const seq = await nextSeq(tx.objectStore('meta'))
        const id = newId()
        const mutation: OutcomeAmend = { type: 'outcome.amend', id, seq, outcome_id: outcomeId, ...change }
        await outbox.add({ id, userId, seq, mutation, status: 'queued', createdAt: new Date().toISOString() })
        result = 'queued'
      }
    }
    await tx.objectStore('outcomes').put({ ...local, ...change })
  }
  await tx.done
  notifyOutbox()
  return result
}

/**
 * Plans the next visit to a lead on `day` (YYYY-MM-DD) at `at` (the instant the phone shows
 * until the server's answer arrives): the lead on this phone is changed at once, and one
 * `lead.plan` is queued, or the unsent one for this lead changed in place.
 */
export async function planVisit(userId: string, leadId: string, day: string, at: string): Promise<void> {
  const d = await db()
  const tx = d.transaction(['meta', 'outbox', 'leads'], 'readwrite')
  const outbox = tx.objectStore('outbox')
  const waiting = (await outbox.index('userId').getAll(userId)).find(
    (e) => e.status === 'queued' && e.mutation.type === 'lead.plan' && e.mutation.lead_id === leadId,
  )
  if (waiting) {
    await outbox.put({ ...waiting, mutation: { ...(waiting.mutation as LeadPlan), planned_on: day } })
  } else {
    const seq = await nextSeq(tx.objectStore('meta'))
    const id = newId()
    const mutation: LeadPlan = { type: 'lead.plan', id, seq, lead_id: leadId, planned_on: day }
    await outbox.add({ id, userId, seq, mutation, status: 'queued', createdAt: new Date().toISOString() })
  }
  const lead = await tx.objectStore('leads').get(leadId)
  if (lead) await tx.objectStore('leads').put({ ...lead, planned_visit_at: at })
  await tx.done
  notifyOutbox()
}

/**
 * Takes back a next visit planned from a confirmation that was undone: the lead on this phone
 * shows the visit planned `before` again; an unsent `lead.plan` is deleted, a sent (or
 * acknowledged) one is followed by one back to that day (when there was one, today or later: a plan is never
 * cleared, and a day gone by is refused).
 */
export async function unplanVisit(userId: string, leadId: string, before: string | null, now: Date = new Date()): Promise<void> {
  const d = await db()
  const tx = d.transaction(['meta', 'outbox', 'leads'], 'readwrite')
  const outbox = tx.objectStore('outbox')
  const plans = (await outbox.index('userId').getAll(userId)).filter((e) => e.mutation.type === 'lead.plan' && e.mutation.lead_id === leadId)
  for (const e of plans) if (e.status === 'queued') await outbox.delete(e.id)
  // none left (acknowledged) or one being sent: the server has it, or may have
  const reached = plans.length === 0 || plans.some((e) => e.status !== 'queued')
  const back = before ? dayOf(before) : null
  if (reached && back && back >= dayOf(now)) {
    const seq = await nextSeq(tx.objectStore('meta'))
    const id = newId()
    const mutation: LeadPlan = { type: 'lead.plan', id, seq, lead_id: leadId, planned_on: back }
    await outbox.add({ id, userId, seq, mutation, status: 'queued', createdAt: now.toISOString() })
  }
  const lead = await tx.objectStore('leads').get(leadId)
  if (lead) await tx.objectStore('leads').put({ ...lead, planned_visit_at: before })
  await tx.done
  notifyOutbox()
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
