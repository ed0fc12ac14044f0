import 'fake-indexeddb/auto'
import { beforeEach, describe, expect, it } from 'vitest'
import { db, openStrangDB, useDatabase } from './db'
import type { LeadSync } from './types'
import { allLeads, daySummary, loggedToday, visitsToday } from './content'
import { localOutcomes, logOutcome, logVisit, outboxOf, pendingCount, recordView, sendSignal, undoOutcome, undoOutcomes, VIEW_WINDOW_MS } from './outbox'

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

describe('one tap, one visit', () => {
  const now = new Date(2026, 2, 4, 10, 15)

  it('a tap writes one visit; a tap from a screen that did not show it writes nothing and stands for it', async () => {
    const first = await logVisit({ ...base, code: 'won', now }, [])
    expect(first).toMatchObject({ code: 'won', created: true })
    // another window of the app, still showing nothing logged, taps 150 ms later
    const second = await logVisit({ ...base, code: 'no_interest', now: new Date(now.getTime() + 150) }, [])
    expect(second).toEqual({ ids: first.ids, code: 'won', created: false })
    expect((await outboxOf('u1')).map((e) => e.id)).toEqual(first.ids)
    expect(await localOutcomes('u1')).toHaveLength(1)
  })

  it('a deliberate second visit (the screen showed the first) is written', async () => {
    const first = await logVisit({ ...base, code: 'won', now }, [])
    const second = await logVisit({ ...base, code: 'follow_up', now: new Date(now.getTime() + 60_000) }, first.ids)
    expect(second.created).toBe(true)
    expect(await localOutcomes('u1')).toHaveLength(2)
  })

  it("yesterday's visits, other leads, other users and taken-back visits do not count as logged", async () => {
    await logVisit({ ...base, now: new Date(2026, 2, 3, 17) }, [])
    await logVisit({ ...base, leadId: 'lead-2', now }, [])
    await logVisit({ ...base, userId: 'u2', now }, [])
    const undone = await logVisit({ ...base, now }, [])
    await undoOutcomes('u1', undone.ids)
    expect((await logVisit({ ...base, now }, [])).created).toBe(true)
  })

  it('shows the visits of today for a lead, from this phone and the rep’s other phones, earliest first', async () => {
    const here = await logVisit({ ...base, code: 'won', now }, [])
    await logVisit({ ...base, code: 'won', now: new Date(2026, 2, 3, 9) }, [])
    const taken = await logVisit({ ...base, leadId: 'lead-2', now }, [])
    await undoOutcomes('u1', taken.ids)
    const item = (id: string, rep_id: string, at: Date) => ({ id, rep_id, code: 'follow_up', occurred_at: at.toISOString(), rep_name: '', note_excerpt: '' })
    const lead = {
      id: 'lead-1',
      history: [item('other-phone', 'u1', new Date(2026, 2, 4, 8)), item('colleague', 'u2', new Date(2026, 2, 4, 9))],
    } as unknown as LeadSync
    const visits = await visitsToday('u1', lead, now)
    expect(visits.map((v) => [v.id, v.code])).toEqual([
      ['other-phone', 'follow_up'],
      [here.ids[0], 'won'],
    ])
  })
})

describe('Undo of a tap', () => {
  it('takes back every outcome it stands for, each exactly once, through the outbox', async () => {
    const sent = await logOutcome(base)
    const queued = await logOutcome({ ...base, code: 'won' })
    await (await db()).delete('outbox', sent) // acknowledged by the server
    expect(await undoOutcomes('u1', [sent, queued, sent])).toEqual(['retracted', 'deleted'])
    const retracts = (await outboxOf('u1')).map((e) => e.mutation)
    expect(retracts).toEqual([expect.objectContaining({ type: 'outcome.retract', outcome_id: sent })])
    expect(await localOutcomes('u1')).toEqual([])
    // a second Undo (a double tap on it) adds nothing
    expect(await undoOutcomes('u1', [sent, queued])).toEqual(['already', 'already'])
    expect(await outboxOf('u1')).toHaveLength(1)
  })

  it('retracts an outcome that is being pushed, and only once', async () => {
    const id = await logOutcome(base)
    const d = await db()
    const entry = (await d.get('outbox', id))!
    await d.put('outbox', { ...entry, status: 'sent' })
    expect(await undoOutcome('u1', id)).toBe('retracted')
    expect(await undoOutcome('u1', id)).toBe('already')
    const retracts = (await outboxOf('u1')).filter((e) => e.mutation.type === 'outcome.retract')
    expect(retracts).toHaveLength(1)
  })

  it('never sends a retraction for a tap the server has not heard of, however often Undo runs', async () => {
    const id = await logOutcome(base)
    expect(await undoOutcome('u1', id)).toBe('deleted')
    expect(await undoOutcome('u1', id)).toBe('already')
    expect(await outboxOf('u1')).toEqual([])
  })
})
