import 'fake-indexeddb/auto'
import { beforeEach, describe, expect, it } from 'vitest'
import { db, openStrangDB, useDatabase } from './db'
import { amendOutcome, localOutcomes, logOutcome, outboxOf, planVisit, undoOutcome, unplanVisit } from './outbox'
import type { LeadSync } from './types'

let n = 0
beforeEach(() => {
  useDatabase(openStrangDB(`amend-test-${++n}`))
})

const base = { userId: 'u1', leadId: 'lead-1', code: 'objection' }

/** What the sync engine does when it takes an entry for a push. */
async function markSent(id: string): Promise<void> {
  const d = await db()
  const entry = (await d.get('outbox', id))!
  await d.put('outbox', { ...entry, status: 'sent' })
}

describe('amendOutcome', () => {
  it('changes an unsent tap in place: one mutation, same id, same sequence number', async () => {
    const id = await logOutcome(base)
    expect(await amendOutcome('u1', id, { details: ['price'] })).toBe('in-place')
    expect(await amendOutcome('u1', id, { note: 'Wants a quote' })).toBe('in-place')
    const entries = await outboxOf('u1')
    expect(entries).toHaveLength(1)
    expect(entries[0]!.mutation).toMatchObject({ type: 'outcome.log', id, seq: 1, details: ['price'], note: 'Wants a quote' })
    expect((await localOutcomes('u1'))[0]).toMatchObject({ id, details: ['price'], note: 'Wants a quote' })
  })

  it('amends a tap that is being sent with one follow-up mutation, merging what comes while it waits', async () => {
    const id = await logOutcome(base)
    await markSent(id)
    expect(await amendOutcome('u1', id, { details: ['price'] })).toBe('queued')
    expect(await amendOutcome('u1', id, { details: ['price', 'timing'] })).toBe('merged')
    expect(await amendOutcome('u1', id, { note: 'Call back' })).toBe('merged')
    const entries = await outboxOf('u1')
    expect(entries.map((e) => e.mutation.type)).toEqual(['outcome.log', 'outcome.amend'])
    expect(entries[0]!.mutation).toMatchObject({ details: [], note: '' }) // what the server may hold already
    expect(entries[1]!.mutation).toMatchObject({ outcome_id: id, seq: 2, details: ['price', 'timing'], note: 'Call back' })
  })

  it('queues a new amendment once the previous one is on its way, and one for an acknowledged tap', async () => {
    const id = await logOutcome(base)
    await (await db()).delete('outbox', id) // acknowledged: the entry left the outbox
    expect(await amendOutcome('u1', id, { details: ['price'] })).toBe('queued')
    const [first] = await outboxOf('u1')
    await markSent(first!.id)
    expect(await amendOutcome('u1', id, { details: ['competitor'] })).toBe('queued')
    const amends = (await outboxOf('u1')).map((e) => e.mutation)
    expect(amends).toMatchObject([
      { type: 'outcome.amend', outcome_id: id, details: ['price'] },
      { type: 'outcome.amend', outcome_id: id, details: ['competitor'] },
    ])
    expect(new Set(amends.map((m) => m.id)).size).toBe(2)
  })

  it('does nothing for a tap taken back, and an Undo after an in-place amendment leaves nothing to send', async () => {
    const id = await logOutcome(base)
    await amendOutcome('u1', id, { details: ['price'] })
    expect(await undoOutcome('u1', id)).toBe('deleted')
    expect(await amendOutcome('u1', id, { note: 'late' })).toBe('gone')
    expect(await outboxOf('u1')).toEqual([])
  })

  it('never amends another user’s tap', async () => {
    const id = await logOutcome(base)
    expect(await amendOutcome('u2', id, { details: ['price'] })).toBe('gone')
    expect((await outboxOf('u1'))[0]!.mutation).toMatchObject({ details: [] })
  })
})

describe('planVisit', () => {
  const lead = { id: 'lead-1', company: 'Müller GmbH', planned_visit_at: null } as unknown as LeadSync

  it('moves the lead on the phone at once and queues one lead.plan, changed in place while unsent', async () => {
    await (await db()).put('leads', lead)
    await planVisit('u1', 'lead-1', '2026-12-02', '2026-12-02T08:00:00.000Z')
    await planVisit('u1', 'lead-1', '2026-12-08', '2026-12-08T08:00:00.000Z')
    const entries = await outboxOf('u1')
    expect(entries.map((e) => e.mutation)).toMatchObject([{ type: 'lead.plan', lead_id: 'lead-1', planned_on: '2026-12-08' }])
    expect((await (await db()).get('leads', 'lead-1'))!.planned_visit_at).toBe('2026-12-08T08:00:00.000Z')
    await markSent(entries[0]!.id)
    await planVisit('u1', 'lead-1', '2026-12-09', '2026-12-09T08:00:00.000Z')
    expect((await outboxOf('u1')).map((e) => (e.mutation.type === 'lead.plan' ? e.mutation.planned_on : ''))).toEqual(['2026-12-08', '2026-12-09'])
  })

  it('takes a planned visit back with the Undo: an unsent plan is dropped, a sent one followed by the day before', async () => {
    const before = '2026-12-10T08:00:00.000Z'
    const now = new Date('2026-12-01T12:00:00Z')
    await (await db()).put('leads', { ...lead, planned_visit_at: before })
    await planVisit('u1', 'lead-1', '2026-12-02', '2026-12-02T08:00:00.000Z')
    await unplanVisit('u1', 'lead-1', before, now)
    expect(await outboxOf('u1')).toEqual([])
    expect((await (await db()).get('leads', 'lead-1'))!.planned_visit_at).toBe(before)

    await planVisit('u1', 'lead-1', '2026-12-02', '2026-12-02T08:00:00.000Z')
    await markSent((await outboxOf('u1'))[0]!.id)
    await unplanVisit('u1', 'lead-1', before, now)
    expect((await outboxOf('u1')).map((e) => e.mutation)).toMatchObject([{ planned_on: '2026-12-02' }, { type: 'lead.plan', planned_on: '2026-12-10' }])
    expect((await (await db()).get('leads', 'lead-1'))!.planned_visit_at).toBe(before)

    for (const e of await outboxOf('u1')) await (await db()).delete('outbox', e.id) // acknowledged
    await planVisit('u1', 'lead-1', '2026-12-03', '2026-12-03T08:00:00.000Z')
    await (await db()).delete('outbox', (await outboxOf('u1'))[0]!.id)
    await unplanVisit('u1', 'lead-1', before, now)
    expect((await outboxOf('u1')).map((e) => e.mutation)).toMatchObject([{ type: 'lead.plan', planned_on: '2026-12-10' }])

    await (await db()).clear('outbox')
    await planVisit('u1', 'lead-1', '2026-12-04', '2026-12-04T08:00:00.000Z')
    await (await db()).clear('outbox') // acknowledged
    await unplanVisit('u1', 'lead-1', null, now) // nothing was planned before: a plan is never cleared
    expect(await outboxOf('u1')).toEqual([])
    expect((await (await db()).get('leads', 'lead-1'))!.planned_visit_at).toBeNull()
  })
})
