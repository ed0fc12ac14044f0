// A reset (the server refused the phone's cursor) starts a full snapshot that may take several
// pages, minutes apart on a bad connection: the rep keeps leads, collateral and their cached
// files until the last page, and only then loses what the snapshot did not send again.
import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { allLeads } from './content'
import { db, openStrangDB, useDatabase } from './db'
import { FILES_CACHE, prefetchRecommended } from './files'
import { localOutcomes, logOutcome, outboxOf } from './outbox'
import { pull } from './sync'
import type { CollateralSync, LeadSync } from './types'
import { json } from '../testing'

const U1 = { userId: 'u1' }
let name = ''
let n = 0
beforeEach(() => {
  name = `reset-test-${++n}`
  useDatabase(openStrangDB(name))
})
afterEach(() => vi.unstubAllGlobals())

const lead = (id: string, extra: Partial<LeadSync> = {}) => ({ id, company: `Company ${id}`, recommended_collateral_ids: [], ...extra }) as unknown as LeadSync
const item = (id: string) => ({ id, title: id, kind: 'pdf', file_url: `/api/v1/files/${id}`, size: 10 }) as unknown as CollateralSync
const page = (extra: object) => ({ cursor: 'c', has_more: false, reset: false, changes: {}, removed: {}, ...extra })
const OFFLINE = 'offline'

/** A server answering pulls with `pages` in turn; OFFLINE stands for a lost connection. */
function server(pages: (object | typeof OFFLINE)[]) {
  const cursors: (string | null)[] = []
  vi.stubGlobal('fetch', vi.fn(async (url: string) => {
    cursors.push(new URL(url, 'http://x').searchParams.get('cursor'))
    const next = pages.shift() ?? page({})
    if (next === OFFLINE) throw new TypeError('Failed to fetch')
    return json(200, next)
  }))
  return cursors
}

/** The phone before the reset: three leads and two collateral items, one of them PDF-cached. */
async function holding(): Promise<void> {
  server([page({ cursor: 'old', changes: { leads: [lead('a'), lead('b'), lead('c')], collateral: [item('k1'), item('k2')] } })])
  await pull(U1)
}

const ids = async () => (await allLeads()).map((l) => l.id).sort()
const collateralIds = async () => (await (await db()).getAll('collateral')).map((c) => c.id).sort()

describe('a reset over several pages', () => {
  it('keeps the leads and collateral not yet sent again while the snapshot is under way', async () => {
    await holding()
    server([page({ cursor: 'r1', reset: true, has_more: true, changes: { leads: [lead('a', { company: 'New a' })] } }), OFFLINE])
    await expect(pull(U1)).rejects.toMatchObject({ status: 0 })
    expect(await ids()).toEqual(['a', 'b', 'c'])
    expect(await collateralIds()).toEqual(['k1', 'k2'])
    expect((await allLeads()).find((l) => l.id === 'a')!.company).toBe('New a')
  })

  it('removes what the snapshot did not send again once its last page arrives, also after a restart', async () => {
    await holding()
    await logOutcome({ userId: 'u1', leadId: 'c', code: 'interested' })
    server([page({ cursor: 'r1', reset: true, has_more: true, changes: { leads: [lead('a', { company: 'New a' })] } }), OFFLINE])
    await expect(pull(U1)).rejects.toMatchObject({ status: 0 })
    expect(await ids()).toEqual(['a', 'b', 'c'])
    useDatabase(openStrangDB(name)) // the app was closed and opened again between the pages
    const cursors = server([page({ cursor: 'r2', changes: { leads: [lead('b', { company: 'New b' })], collateral: [item('k1')] } })])
    await pull(U1)
    expect(cursors).toEqual(['r1'])
    expect((await allLeads()).map((l) => [l.id, l.company]).sort()).toEqual([['a', 'New a'], ['b', 'New b']])
    expect(await collateralIds()).toEqual(['k1'])
    expect(await (await db()).count('stale')).toBe(0)
    // the rep's unsent tap on the lead that left stays, and is sent as usual
    expect((await outboxOf('u1')).map((e) => e.mutation.type)).toEqual(['outcome.log'])
    expect((await localOutcomes('u1')).map((o) => o.leadId)).toEqual(['c'])
  })

  it('starts over when a second reset comes before the first snapshot is complete', async () => {
    await holding()
    server([
      page({ cursor: 'r1', reset: true, has_more: true, changes: { leads: [lead('a')] } }),
      OFFLINE,
    ])
    await expect(pull(U1)).rejects.toMatchObject({ status: 0 })
    server([
      page({ cursor: 's1', reset: true, has_more: true, changes: { leads: [lead('b')] } }),
      page({ cursor: 's2', changes: { leads: [lead('c')] } }),
    ])
    await pull(U1)
    expect(await ids()).toEqual(['b', 'c'])
  })

  it('deletes at once what the snapshot names as removed', async () => {
    await holding()
    server([page({ cursor: 'r1', reset: true, has_more: true, changes: { leads: [lead('a')] }, removed: { leads: ['b'] } }), OFFLINE])
    await expect(pull(U1)).rejects.toMatchObject({ status: 0 })
    expect(await ids()).toEqual(['a', 'c'])
    server([page({ cursor: 'r2', changes: { leads: [lead('b')] } })])
    await pull(U1)
    expect(await ids()).toEqual(['a', 'b'])
  })

  it('works on a phone whose database predates the stale marks', async () => {
    const before = `${name}-before`
    const old = await openStrangDB(before, 4)
    await old.put('leads', lead('a'))
    await old.put('leads', lead('b'))
    old.close()
    useDatabase(openStrangDB(before))
    server([page({ cursor: 'r1', reset: true, has_more: true, changes: { leads: [lead('b')] } }), OFFLINE])
    await expect(pull(U1)).rejects.toMatchObject({ status: 0 })
    expect(await ids()).toEqual(['a', 'b'])
    server([page({ cursor: 'r2' })])
    await pull(U1)
    expect(await ids()).toEqual(['b'])
  })
})

/** Cache Storage as far as the files code uses it. */
class MemoryCaches {
  urls = new Set<string>()
  async open(_name: string) {
    const urls = this.urls
    const href = (u: string | { url: string }) => new URL(typeof u === 'string' ? u : u.url, 'http://x').href
    return {
      keys: async () => [...urls].map((url) => ({ url })),
      match: async (u: string) => (urls.has(href(u)) ? new Response('pdf') : undefined),
      put: async (u: string) => void urls.add(href(u)),
      delete: async (u: { url: string }) => urls.delete(href(u)),
    }
  }
}

describe('the offline files during a reset', () => {
  it('keeps a cached file whose collateral the snapshot has not sent again yet', async () => {
    const files = new MemoryCaches()
    await holding()
    vi.stubGlobal('caches', files)
    vi.stubGlobal('location', { origin: 'http://x' })
    for (const url of ['/api/v1/files/k1', '/api/v1/files/k2']) await (await caches.open(FILES_CACHE)).put(url as never, new Response('pdf'))
    server([page({ cursor: 'r1', reset: true, has_more: true, changes: { collateral: [item('k1')] } }), OFFLINE])
    await expect(pull(U1)).rejects.toMatchObject({ status: 0 })
    // the clean-up runs between the pages (a data change, or the worker's pull)
    expect(await prefetchRecommended()).toEqual({ fetched: 0, removed: 0 })
    expect([...files.urls].sort()).toEqual(['http://x/api/v1/files/k1', 'http://x/api/v1/files/k2'])
    // once the snapshot is complete without it, its file goes
    server([page({ cursor: 'r2', changes: { leads: [lead('a')] } })])
    await pull(U1)
    expect(await prefetchRecommended()).toEqual({ fetched: 0, removed: 1 })
    expect([...files.urls]).toEqual(['http://x/api/v1/files/k1'])
  })
})
