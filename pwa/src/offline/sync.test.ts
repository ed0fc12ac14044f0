import 'fake-indexeddb/auto'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { allLeads, outcomeCodes } from './content'
import { db, openStrangDB, useDatabase } from './db'
import { logOutcome, outboxOf, planVisit, sendSignal, undoOutcome, unplanVisit } from './outbox'
import { startSync } from './engine'
import { backoffMs, heldFor, pull, push, retryDelayMs, syncStatus, wipeSynced } from './sync'
import type { LeadSync, Mutation } from './types'
import { json } from '../testing'

const U1 = { userId: 'u1', holdMs: 0 }
let n = 0
beforeEach(() => {
  useDatabase(openStrangDB(`sync-test-${++n}`))
})


function lead(id: string, extra: Partial<LeadSync> = {}): LeadSync {
  return {
    id, company: `Company ${id}`, contact_name: '', contact_role: '', phone: '', email: '', street: '', postal_code: '20095',
    city: 'Hamburg', country: 'DE', region: 'North', segment: '', campaign_id: null, planned_visit_at: null, priority: 3,
    brief_html: '', recommended_collateral_ids: [], recommendation_reasons: [], shares: [], history: [], updated_at: '2026-01-01T00:00:00Z', ...extra,
  }
}
const page = (extra: object) => ({ cursor: 'c', has_more: false, changes: {}, removed: {}, ...extra })

/** A fake server: answers pushes with `answer(mutation)`, records what it got. */
function fakeServer(answer: (m: Mutation) => { status: string; reason?: string }, pulls: object[] = [page({})]) {
  const pushed: Mutation[][] = []
  const cursors: (string | null)[] = []
  const fetchFn = vi.fn(async (url: string, init?: RequestInit) => {
    if (url.startsWith('/api/v1/sync/push')) {
      const body = JSON.parse(String(init!.body)) as { device_id: string; mutations: Mutation[] }
      expect(body.device_id).toMatch(/^web-/)
      pushed.push(body.mutations)
      return json(200, { results: body.mutations.map((m) => ({ id: m.id, ...answer(m) })), device: {} })
    }
    cursors.push(new URL(url, 'http://x').searchParams.get('cursor'))
    return json(200, pulls.shift() ?? page({}))
  })
  vi.stubGlobal('fetch', fetchFn)
  return { pushed, cursors, fetchFn }
}

describe('push', () => {
  it('clears only acknowledged mutations and keeps rejected ones with the reason', async () => {
    const good = await logOutcome({ userId: 'u1', leadId: 'l1', code: 'interested' })
    const dup = await logOutcome({ userId: 'u1', leadId: 'l2', code: 'interested' })
    const bad = await logOutcome({ userId: 'u1', leadId: 'l3', code: 'nope' })
    const server = fakeServer((m) =>
      m.id === bad ? { status: 'rejected', reason: 'unknown_code' } : { status: m.id === dup ? 'duplicate' : 'applied' },
    )
    expect(await push(U1)).toBe(2)
    expect(server.pushed[0]!.map((m) => m.id)).toEqual([good, dup, bad])
    const left = await outboxOf('u1')
    expect(left).toHaveLength(1)
    expect(left[0]).toMatchObject({ id: bad, status: 'rejected', reason: 'unknown_code' })
    // rejected entries are not sent again
    await push(U1)
    expect(server.pushed).toHaveLength(1)
  })

  it('keeps everything when the server cannot be reached, and sends it again later', async () => {
    const id = await logOutcome({ userId: 'u1', leadId: 'l1', code: 'interested' })
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('offline'))))
    await expect(push(U1)).rejects.toMatchObject({ status: 0 })
    expect((await outboxOf('u1'))[0]).toMatchObject({ id, status: 'sent' })
    const server = fakeServer(() => ({ status: 'applied' }))
    await push(U1)
    expect(server.pushed[0]!.map((m) => m.id)).toEqual([id])
    expect(await outboxOf('u1')).toEqual([])
  })

  it('keeps a 5xx batch in the outbox (a server error is not a delivery)', async () => {
    await logOutcome({ userId: 'u1', leadId: 'l1', code: 'interested' })
    vi.stubGlobal('fetch', vi.fn(async () => json(503, { detail: 'busy' })))
    await expect(push(U1)).rejects.toMatchObject({ status: 503 })
    expect(await outboxOf('u1')).toHaveLength(1)
  })

  it('sends only the logged-in user’s taps', async () => {
    await logOutcome({ userId: 'u1', leadId: 'l1', code: 'interested' })
    const other = await logOutcome({ userId: 'u2', leadId: 'l2', code: 'interested' })
    const server = fakeServer(() => ({ status: 'applied' }))
    await push({ userId: 'u2', holdMs: 0 })
    expect(server.pushed.flat().map((m) => m.id)).toEqual([other])
    expect(await outboxOf('u1')).toHaveLength(1)
  })

  it('undo after the entry was sent queues a retraction instead of deleting', async () => {
    const id = await logOutcome({ userId: 'u1', leadId: 'l1', code: 'interested' })
    fakeServer(() => ({ status: 'applied' }))
    await push(U1)
    expect(await undoOutcome('u1', id)).toBe('retracted')
    const server = fakeServer(() => ({ status: 'applied' }))
    await push(U1)
    expect(server.pushed[0]).toEqual([expect.objectContaining({ type: 'outcome.retract', outcome_id: id })])
  })
})

describe('the Undo window', () => {
  it('holds a fresh outcome back, so Undo can delete it; it goes once the window has passed', async () => {
    const id = await logOutcome({ userId: 'u1', leadId: 'l1', code: 'interested' })
    const signal = await sendSignal('u1', { kind: 'other', text: 'hi' })
    const server = fakeServer(() => ({ status: 'applied' }))
    await push({ userId: 'u1', holdMs: 60_000 })
    expect(server.pushed.flat().map((m) => m.id)).toEqual([signal.id])
    expect(await heldFor('u1', 60_000)).toBeGreaterThan(50_000)
    expect(await undoOutcome('u1', id)).toBe('deleted')
    expect(await outboxOf('u1')).toEqual([])
  })
})

describe('pull', () => {
  it('stores pages, follows has_more, keeps the cursor and removes what the server removed', async () => {
    const server = fakeServer(() => ({ status: 'applied' }), [
      page({ cursor: 'p1', has_more: true, changes: { leads: [lead('a'), lead('b')] } }),
      page({ cursor: 'p2', changes: { outcome_codes: [{ code: 'x', label_en: 'X', label_de: 'X', sentiment: 'neutral', details: [], position: 1, active: true }] } }),
      page({ cursor: 'p3', removed: { leads: ['a'] } }),
    ])
    await pull({ userId: 'u1' })
    expect((await allLeads()).map((l) => l.id).sort()).toEqual(['a', 'b'])
    expect((await outcomeCodes()).map((c) => c.code)).toEqual(['x'])
    await pull({ userId: 'u1' })
    expect(server.cursors).toEqual([null, 'p1', 'p2'])
    expect((await allLeads()).map((l) => l.id)).toEqual(['b'])
  })

  it('keeps the next visit this phone re-planned while the server still shows the old plan', async () => {
    const before = '2026-12-07T08:00:00.000Z'
    const week = '2026-12-14T08:00:00.000Z'
    await (await db()).put('leads', lead('a', { planned_visit_at: before }))
    await planVisit('u1', 'a', '2026-12-14', week)
    fakeServer(() => ({ status: 'applied' }))
    await push(U1)
    // the server has the plan and a pull is on its way when the rep taps Undo
    await unplanVisit('u1', 'a', before, new Date('2026-12-07T07:00:00Z'))
    fakeServer(() => ({ status: 'applied' }), [page({ changes: { leads: [lead('a', { planned_visit_at: week, company: 'Renamed' })] } })])
    await pull({ userId: 'u1' })
    const [here] = await allLeads()
    expect(here).toMatchObject({ company: 'Renamed', planned_visit_at: before })
    // once the phone's plan has been sent, the server's word counts again
    await push(U1)
    await pull({ userId: 'u1' })
    fakeServer(() => ({ status: 'applied' }), [page({ changes: { leads: [lead('a', { planned_visit_at: week })] } })])
    await pull({ userId: 'u1' })
    expect((await allLeads())[0]!.planned_visit_at).toBe(week)
  })

  it('replaces what it holds with the snapshot on reset', async () => {
    fakeServer(() => ({ status: 'applied' }), [
      page({ cursor: 'p1', changes: { leads: [lead('a'), lead('b')] } }),
      page({ cursor: 'p9', reset: true, changes: { leads: [lead('c')] } }),
    ])
    await pull({ userId: 'u1' })
    await pull({ userId: 'u1' })
    expect((await allLeads()).map((l) => l.id)).toEqual(['c'])
  })

  it('wipeSynced removes content but keeps unsent taps', async () => {
    fakeServer(() => ({ status: 'applied' }), [page({ changes: { leads: [lead('a')] } })])
    await pull({ userId: 'u1' })
    await logOutcome({ userId: 'u1', leadId: 'a', code: 'interested' })
    await wipeSynced()
    expect(await allLeads()).toEqual([])
    expect(await outboxOf('u1')).toHaveLength(1)
    expect(await (await db()).get('sync', 'u1')).toBeUndefined()
  })
})

describe('the engine', () => {
  it('backs off exponentially, capped', () => {
    const mid = () => 0.5
    expect([1, 2, 3, 4].map((f) => backoffMs(f, mid))).toEqual([2000, 4000, 8000, 16000])
    expect(backoffMs(30, mid)).toBe(300000)
  })

  it('waits what a busy server asks, plus jitter, never less', () => {
    expect(retryDelayMs(2, 1, () => 0)).toBe(2000)
    expect(retryDelayMs(2, 1, () => 0.999)).toBe(2999)
    expect(retryDelayMs(null, 3, () => 0.5)).toBe(backoffMs(3, () => 0.5))
  })

  it('keeps the taps of a push a busy server refused and tries again when it said', async () => {
    await logOutcome({ userId: 'u1', leadId: 'l1', code: 'interested' })
    vi.stubGlobal('fetch', vi.fn(async () => json(503, { detail: 'busy', code: 'busy' }, { 'Retry-After': '3' })))
    const before = Date.now()
    const engine = startSync(U1)
    await engine.now()
    engine.stop()
    const { failure, retryAt } = syncStatus()
    expect(failure).toMatchObject({ kind: 'busy', status: 503 })
    expect(retryAt! - before).toBeGreaterThanOrEqual(3000)
    expect(retryAt! - Date.now()).toBeLessThanOrEqual(4500)
    expect(await outboxOf('u1')).toHaveLength(1)
  })

  it('pushes then pulls on start, and calls onUnauthorized on 401', async () => {
    await logOutcome({ userId: 'u1', leadId: 'l1', code: 'interested' })
    const server = fakeServer(() => ({ status: 'applied' }), [page({ changes: { leads: [lead('a')] } })])
    const engine = startSync(U1)
    await engine.now()
    engine.stop()
    expect(server.pushed).toHaveLength(1)
    expect(await allLeads()).toHaveLength(1)

    vi.stubGlobal('fetch', vi.fn(async () => json(401, { detail: 'Not authenticated' })))
    await logOutcome({ userId: 'u1', leadId: 'l1', code: 'interested' })
    const onUnauthorized = vi.fn()
    const e2 = startSync({ ...U1, onUnauthorized })
    await e2.now()
    e2.stop()
    expect(onUnauthorized).toHaveBeenCalledOnce()
    expect(await outboxOf('u1')).toHaveLength(1)
  })
})
