import 'fake-indexeddb/auto'
import { beforeEach, describe, expect, it } from 'vitest'
import { allSignals } from './content'
import { db, openStrangDB, useDatabase } from './db'
import { outboxOf, sendSignal } from './outbox'
import type { SignalSync } from './types'

let n = 0
beforeEach(() => {
  useDatabase(openStrangDB(`signals-test-${++n}`))
})

function pulled(id: string, occurred_at: string, created_at: string): SignalSync {
  return { id, kind: 'other', lead_id: null, campaign_id: null, text: id, occurred_at, created_at, status: 'open', acknowledged_at: null, reply: '' }
}

describe('signals on the phone', () => {
  it('carry the time of the tap, not of the sync', async () => {
    const tap = new Date('2026-03-02T09:41:00Z')
    const e = await sendSignal('u1', { kind: 'competitor', text: 'Acme at the door', leadId: 'lead-1', now: tap })
    expect(e.mutation).toMatchObject({ type: 'signal.send', occurred_at: '2026-03-02T09:41:00.000Z', lead_id: 'lead-1' })
    expect((await outboxOf('u1'))[0]!.createdAt).toBe('2026-03-02T09:41:00.000Z')
  })

  it('are listed by the tap, latest first, however late they arrived', async () => {
    const d = await db()
    await d.put('signals', pulled('tapped-first-synced-last', '2026-03-02T08:00:00Z', '2026-03-02T12:00:00Z'))
    await d.put('signals', pulled('tapped-last', '2026-03-02T10:00:00Z', '2026-03-02T10:00:05Z'))
    expect((await allSignals()).map((s) => s.id)).toEqual(['tapped-last', 'tapped-first-synced-last'])
  })

  it('pulled before the server sent the tap get their arrival time when the app updates', async () => {
    const name = `signals-upgrade-${++n}`
    const old = await openStrangDB(name, 2)
    const before = pulled('old', '', '2026-03-01T07:30:00Z') as Partial<SignalSync>
    delete before.occurred_at
    await old.put('signals', before as SignalSync)
    old.close()
    const updated = await openStrangDB(name)
    expect((await updated.get('signals', 'old'))?.occurred_at).toBe('2026-03-01T07:30:00Z')
    updated.close()
  })
})
