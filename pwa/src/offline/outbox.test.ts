import 'fake-indexeddb/auto'
import { beforeEach, describe, expect, it } from 'vitest'
import { db, openStrangDB, useDatabase } from './db'
import type { LeadSync } from './types'
import { allLeads, daySummary, loggedToday } from './content'
import { localOutcomes, logOutcome, outboxOf, pendingCount, recordView, sendSignal, undoOutcome, VIEW_WINDOW_MS } from './outbox'

let n = 0
beforeEach(() => {
  useDatabase(openStrangDB(`outbox-test-${++n}`))
})

const base = { userId: 'u1', leadId: 'lead-1', code: 'interested' }

describe('logOutcome', () => {
  it('writes the outbox entry and the logged-today record together, with rising sequence numbers', async () => {
    const a = await logOutcome(base)
    const b = await logOutcome({ ...base, leadId: 'lead-2' })
    const entries = await outboxOf('u1')
    expect(entries.map((e) => e.id)).toEqual([a, b])
    expect(entries.map((e) => e.seq)).toEqual([1, 2])
    expect(entries[0]!.status).toBe('queued')
    expect(entries[0]!.mutation).toMatchObject({ type: 'outcome.log', id: a, seq: 1, lead_id: 'lead-1', code: 'interested' })
    expect([...(await loggedToday('u1', await allLeads())).keys()].sort()).toEqual(['lead-1', 'lead-2'])
  })

  it('attaches collateral viewed for this lead in the last 12 hours, merged per item', async () => {
    const now = new Date('2026-03-02T10:00:00Z')
    const old = new Date(now.getTime() - VIEW_WINDOW_MS - 1000).toISOString()
    await recordView({ userId: 'u1', leadId: 'lead-1', collateralId: 'c1', seconds: 30, pages: [1, 2], at: now.toISOString() })
    await recordView({ userId: 'u1', leadId: 'lead-1', collateralId: 'c1', seconds: 12, pages: [2, 3], at: now.toISOString() })
    await recordView({ userId: 'u1', leadId: 'lead-1', collateralId: 'c2', seconds: 99, pages: [], at: old })
    await recordView({ userId: 'u1', leadId: 'lead-2', collateralId: 'c3', seconds: 5, pages: [1], at: now.toISOString() })
    await recordView({ userId: 'u2', leadId: 'lead-1', collateralId: 'c4', seconds: 5, pages: [1], at: now.toISOString() })
    await logOutcome({ ...base, now })
    const [entry] = await outboxOf('u1')
    expect(entry!.mutation).toMatchObject({ collateral_viewed: [{ collateral_id: 'c1', seconds: 42, pages: [1, 2, 3] }] })
  })

  it('keeps each user’s entries apart', async () => {
    await logOutcome(base)
    await logOutcome({ ...base, userId: 'u2' })
    expect(await outboxOf('u1')).toHaveLength(1)
    expect(await pendingCount('u2')).toEqual({ pending: 1, rejected: 0 })
  })
})

describe('undoOutcome', () => {
  it('deletes an unsent outcome outright', async () => {
    const id = await logOutcome(base)
    expect(await undoOutcome('u1', id)).toBe('deleted')
    expect(await outboxOf('u1')).toEqual([])
    expect(await localOutcomes('u1')).toEqual([])
  })

  it('queues a retraction once the outcome may have reached the server', async () => {
    const id = await logOutcome(base)
    // the sync engine acknowledged it: the entry left the outbox
    const { db } = await import('./db')
    await (await db()).delete('outbox', id)
    expect(await undoOutcome('u1', id)).toBe('retracted')
    const entries = await outboxOf('u1')
    expect(entries).toHaveLength(1)
    expect(entries[0]!.mutation).toMatchObject({ type: 'outcome.retract', outcome_id: id, seq: 2 })
    expect(await localOutcomes('u1')).toEqual([])
    expect((await loggedToday('u1', await allLeads())).size).toBe(0)
  })
})

describe('signals and the summary', () => {
  it('queues a signal with the next sequence number', async () => {
    await logOutcome(base)
    const e = await sendSignal('u1', { kind: 'competitor', text: 'Acme is cheaper', leadId: 'lead-1' })
    expect(e.mutation).toMatchObject({ type: 'signal.send', seq: 2, kind: 'competitor', lead_id: 'lead-1' })
  })

  it('counts today and this week by code', async () => {
    const now = new Date(2026, 2, 4, 15) // a Wednesday
    await logOutcome({ ...base, now })
    await logOutcome({ ...base, code: 'no_interest', now })
    await logOutcome({ ...base, now: new Date(2026, 2, 2, 9) }) // Monday
    await logOutcome({ ...base, now: new Date(2026, 2, 1, 9) }) // Sunday before
    const s = await daySummary('u1', now)
    expect(s.today).toEqual({ interested: 1, no_interest: 1 })
    expect(s.week).toEqual({ interested: 2, no_interest: 1 })
    expect([s.todayTotal, s.weekTotal]).toEqual([2, 3])
  })

  it("counts the rep's taps from other phones once, and an Undo here at once", async () => {
    const now = new Date(2026, 2, 4, 15)
    const mine = await logOutcome({ ...base, now })
    const undone = await logOutcome({ ...base, leadId: 'lead-2', code: 'won', now })
    const at = now.toISOString()
    const item = (id: string, rep_id: string, code: string) => ({ id, rep_id, code, occurred_at: at, rep_name: '', note_excerpt: '' })
    const lead = (id: string, history: ReturnType<typeof item>[]) => ({ id, history }) as unknown as LeadSync
    const d = await db()
    await d.put('leads', lead('lead-1', [item(mine, 'u1', 'interested'), item('other-phone', 'u1', 'follow_up')]))
    await d.put('leads', lead('lead-2', [item(undone, 'u1', 'won'), item('colleague', 'u2', 'won')]))
    await d.delete('outbox', undone) // acknowledged: the server's history has it now
    expect(await undoOutcome('u1', undone)).toBe('retracted')
    const s = await daySummary('u1', now)
    expect(s.today).toEqual({ interested: 1, follow_up: 1 })
    expect([...(await loggedToday('u1', await allLeads(), now)).keys()]).toEqual(['lead-1'])
  })
})
