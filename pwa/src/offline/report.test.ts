import 'fake-indexeddb/auto'
import { beforeEach, describe, expect, it } from 'vitest'
import { db, openStrangDB, useDatabase } from './db'
import { logOutcome, recordView, sendSignal, undoOutcome } from './outbox'
import { reportSource } from './report'
import type { CollateralSync, LeadSync, SignalSync } from './types'

let n = 0
beforeEach(() => {
  useDatabase(openStrangDB(`report-test-${++n}`))
})

const at = (h: number, m = 0) => new Date(2026, 2, 4, h, m)

async function put(leads: Partial<LeadSync>[], collateral: Partial<CollateralSync>[] = []) {
  const d = await db()
  for (const l of leads) await d.put('leads', { history: [], ...l } as LeadSync)
  for (const c of collateral) await d.put('collateral', c as CollateralSync)
}

describe('what the report is made of', () => {
  it('keeps chips and note after the outbox entry has gone, and prefers the outbox while it is there', async () => {
    await put([{ id: 'lead-1' }])
    const id = await logOutcome({ userId: 'u1', leadId: 'lead-1', code: 'objection', details: ['price'], note: 'Too dear', now: at(10) })
    const d = await db()
    const entry = (await d.get('outbox', id))!
    if (entry.mutation.type !== 'outcome.log') throw new Error('not an outcome')
    await d.put('outbox', { ...entry, mutation: { ...entry.mutation, details: ['price', 'competitor'] } }) // amended before sending
    expect((await reportSource('u1')).visits).toMatchObject([{ id, code: 'objection', details: ['price', 'competitor'], note: 'Too dear' }])
    await d.delete('outbox', id) // acknowledged
    expect((await reportSource('u1')).visits).toMatchObject([{ id, details: ['price'], note: 'Too dear' }])
  })

  it('takes chips and a note added after the tap from an amendment still on its way', async () => {
    await put([{ id: 'lead-1' }])
    const id = await logOutcome({ userId: 'u1', leadId: 'lead-1', code: 'objection', now: at(10) })
    const d = await db()
    await d.delete('outbox', id) // the tap itself is on the server
    const amend = (seq: number, fields: object) => ({
      id: `amend-${seq}`,
      userId: 'u1',
      seq,
      status: 'queued' as const,
      createdAt: at(10, 1).toISOString(),
      mutation: { type: 'outcome.amend', id: `amend-${seq}`, seq, outcome_id: id, ...fields } as never,
    })
    await d.put('outbox', amend(90, { details: ['timing'] }))
    await d.put('outbox', amend(91, { note: 'Call in May' }))
    expect((await reportSource('u1')).visits).toMatchObject([{ id, details: ['timing'], note: 'Call in May' }])
  })

  it('shows the collateral opened for the lead before the visit, with its pages, by its title', async () => {
    await put([{ id: 'lead-1' }, { id: 'lead-2' }], [{ id: 'c1', title: 'Spring offer' }])
    await recordView({ userId: 'u1', leadId: 'lead-1', collateralId: 'c1', seconds: 20, pages: [2, 1], at: at(9).toISOString() })
    await recordView({ userId: 'u1', leadId: 'lead-1', collateralId: 'c1', seconds: 5, pages: [3], at: at(9, 30).toISOString() })
    await recordView({ userId: 'u1', leadId: 'lead-1', collateralId: 'gone', seconds: 5, pages: [], at: at(9, 40).toISOString() })
    await recordView({ userId: 'u1', leadId: 'lead-2', collateralId: 'c1', seconds: 9, pages: [7], at: at(9, 45).toISOString() })
    const id = await logOutcome({ userId: 'u1', leadId: 'lead-1', code: 'won', now: at(10) })
    await recordView({ userId: 'u1', leadId: 'lead-1', collateralId: 'c1', seconds: 9, pages: [4], at: at(11).toISOString() }) // after the visit
    const expected = [
      { collateralId: 'c1', title: 'Spring offer', pages: [1, 2, 3] },
      { collateralId: 'gone', title: null, pages: [] },
    ]
    expect((await reportSource('u1')).visits[0]!.shown).toEqual(expected)
    await (await db()).delete('outbox', id) // synced: read from the views the phone kept
    expect((await reportSource('u1')).visits[0]!.shown).toEqual(expected)
  })

  it("counts the rep's visits from other phones (from the history) and leaves out those taken back", async () => {
    const item = (id: string, rep_id: string) => ({ id, rep_id, code: 'won', occurred_at: at(8).toISOString(), rep_name: '', note_excerpt: `note ${id}` })
    await put([{ id: 'lead-1', history: [item('other-phone', 'u1'), item('colleague', 'u2')] }])
    const undone = await logOutcome({ userId: 'u1', leadId: 'lead-1', code: 'won', now: at(9) })
    await undoOutcome('u1', undone)
    const visits = (await reportSource('u1')).visits
    expect(visits).toEqual([{ id: 'other-phone', leadId: 'lead-1', code: 'won', occurredAt: at(8).toISOString(), details: [], note: 'note other-phone', shown: [] }])
  })

  it('lists signals once: those the server has with their answer, and those still waiting', async () => {
    const waiting = await sendSignal('u1', { kind: 'competitor', text: 'Acme', leadId: 'lead-1', now: at(11) })
    const sent = await sendSignal('u1', { kind: 'need_material', text: 'Flyer', now: at(10) })
    const pulled: SignalSync = {
      id: sent.id,
      kind: 'need_material',
      lead_id: null,
      campaign_id: null,
      text: 'Flyer',
      occurred_at: at(10).toISOString(),
      created_at: at(10, 1).toISOString(),
      status: 'acknowledged',
      acknowledged_at: at(12).toISOString(),
      reply: 'Printed tomorrow',
    }
    await (await db()).put('signals', pulled) // pulled while its outbox entry is still there
    const signals = (await reportSource('u1')).signals
    expect(signals).toHaveLength(2)
    expect(signals).toContainEqual(expect.objectContaining({ id: sent.id, status: 'acknowledged', reply: 'Printed tomorrow' }))
    expect(signals).toContainEqual(expect.objectContaining({ id: waiting.id, kind: 'competitor', status: 'waiting', leadId: 'lead-1', occurredAt: at(11).toISOString() }))
  })
})
