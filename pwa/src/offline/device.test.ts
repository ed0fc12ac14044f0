// What stays on the phone when its user leaves (log-out, revoked session, another user): nothing
// readable; the unsent taps sealed under the user id, back for the same user, gone for another.
import 'fake-indexeddb/auto'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { db, openStrangDB, useDatabase } from './db'
import { claimDevice, clearDevice } from './device'
import { holdOutbox, seal, unseal } from './held'
import { deviceId, enqueue, localOutcomes, logOutcome, outboxOf, sendSignal, undoOutcome } from './outbox'
import type { SessionUser } from './session'
import { pull } from './sync'

const jana: SessionUser = { id: 'u1', email: 'jana@example.com', name: 'Jana Jansen', role: 'rep' }
const otto: SessionUser = { id: 'u2', email: 'otto@example.com', name: 'Otto Olsen', role: 'rep' }
/** What of Jana must not be readable once she has left. */
const JANAS = ['lead-1', 'lead-2', 'Kaffeerösterei Nord', 'interested', 'not_home', 'bring the brochure', 'Jana', 'jana@example.com', 'cursor-7']

class MemoryStorage {
  private items = new Map<string, string>()
  get length() {
    return this.items.size
  }
  key(i: number) {
    return [...this.items.keys()][i] ?? null
  }
  getItem(k: string) {
    return this.items.get(k) ?? null
  }
  setItem(k: string, v: string) {
    this.items.set(k, String(v))
  }
  removeItem(k: string) {
    this.items.delete(k)
  }
  clear() {
    this.items.clear()
  }
}

/** Cache Storage as far as the app uses it: names and keys. */
class MemoryCaches {
  stores = new Map<string, Set<string>>()
  async keys() {
    return [...this.stores.keys()]
  }
  async delete(name: string) {
    return this.stores.delete(name)
  }
  async open(name: string) {
    const urls = this.stores.get(name) ?? new Set<string>()
    this.stores.set(name, urls)
    return { keys: async () => [...urls].map((url) => ({ url })), put: async (url: string) => void urls.add(url) }
  }
}

let n = 0
let fakeCaches: MemoryCaches
beforeEach(async () => {
  useDatabase(openStrangDB(`device-test-${++n}`))
  vi.stubGlobal('localStorage', new MemoryStorage())
  vi.stubGlobal('sessionStorage', new MemoryStorage())
  fakeCaches = new MemoryCaches()
  vi.stubGlobal('caches', fakeCaches)
})

const latin1 = (b: ArrayBuffer) => Array.from(new Uint8Array(b), (c) => String.fromCharCode(c)).join('')

/** Every store of the database, keys and values, bytes as text: what anyone could read. */
async function everything(): Promise<string> {
  const d = await db()
  const out: Record<string, unknown> = {}
  for (const name of d.objectStoreNames) out[name] = { keys: await d.getAllKeys(name), values: await d.getAll(name) }
  return JSON.stringify(out, (_k, v: unknown) => (v instanceof ArrayBuffer ? latin1(v) : v))
}

/** Jana, logged in, with synced content, a draft, a view, cached files and three unsent taps. */
async function janaWorking(): Promise<void> {
  await claimDevice(jana)
  const d = await db()
  await d.put('leads', { id: 'lead-1', company: 'Kaffeerösterei Nord' } as never)
  await d.put('campaigns', { id: 'camp-1', name: 'Spring' } as never)
  await d.put('sync', { userId: 'u1', cursor: 'cursor-7', lastPullAt: '2026-03-02T09:00:00Z', lastPushAt: null, lastError: null })
  await d.put('drafts', { key: 'u1:note:lead-1', userId: 'u1', text: 'bring the brochure', updatedAt: '2026-03-02T09:00:00Z' })
  await d.add('views', { userId: 'u1', leadId: 'lead-1', collateralId: 'c1', seconds: 30, pages: [1], at: new Date().toISOString() })
  await d.put('meta', 'u1', 'push.userId')
  await deviceId()
  await logOutcome({ userId: 'u1', leadId: 'lead-1', code: 'interested' })
  const b = await logOutcome({ userId: 'u1', leadId: 'lead-2', code: 'not_home' })
  await undoOutcome('u1', b) // unsent: simply deleted
  await sendSignal('u1', { kind: 'need_material', text: 'bring the brochure', leadId: 'lead-1' })
  localStorage.setItem('strang.lang', 'de')
  sessionStorage.setItem('strang.scroll', 'lead-1')
  await (await caches.open('strang-files-v1')).put('/api/v1/files/abc' as never, new Response('pdf'))
  await (await caches.open('workbox-precache-v2')).put('/index.html' as never, new Response('shell'))
}

describe('clearDevice', () => {
  it('leaves nothing of the user readable, only sealed taps under their id and the device facts', async () => {
    await janaWorking()
    expect(await everything()).toContain('Kaffeerösterei Nord')
    await clearDevice()

    const stored = await everything()
    expect(JANAS.filter((s) => stored.includes(s))).toEqual([])
    const d = await db()
    expect(await d.getAllKeys('held')).toEqual(['u1'])
    expect(await d.getAllKeys('meta')).toEqual(['device.id', 'device.seq']) // sequence numbers go on
    expect(await d.count('outbox')).toBe(0)
    expect(Array.from({ length: localStorage.length }, (_, i) => localStorage.key(i))).toEqual(['strang.lang'])
    expect(sessionStorage.length).toBe(0)
    expect([...fakeCaches.stores.keys()]).toEqual(['workbox-precache-v2'])
  })

  it('calls made at the same time share one run; a second clear keeps what is held', async () => {
    await janaWorking()
    await Promise.all([clearDevice(), clearDevice()])
    await clearDevice()
    const [held] = await (await db()).getAll('held')
    expect((await unseal(held!.sealed)).map((e) => e.mutation.type)).toEqual(['outcome.log', 'signal.send'])
  })

  it('empties again what a round begun before the clear brings in afterwards', async () => {
    await janaWorking()
    await clearDevice()
    const late = { cursor: 'c', has_more: false, changes: { leads: [{ id: 'lead-1', company: 'Kaffeerösterei Nord' }] }, removed: {} }
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify(late), { headers: { 'Content-Type': 'application/json' } })))
    await pull({ userId: 'u1' })
    await vi.waitFor(async () => expect(await (await db()).count('leads')).toBe(0))
    await claimDevice(jana) // hers again: what comes in now stays
    await pull({ userId: 'u1' })
    expect(await (await db()).count('leads')).toBe(1)
  })

  it('closes the notifications still shown', async () => {
    const shown = { close: vi.fn() }
    const registration = { active: {}, getNotifications: async () => [shown] }
    await janaWorking()
    vi.stubGlobal('navigator', { serviceWorker: { getRegistration: async () => registration } })
    await clearDevice()
    expect(shown.close).toHaveBeenCalledOnce()
  })
})

describe('claimDevice', () => {
  it('gives the same user their unsent taps back, as they were, with the visit marked logged', async () => {
    await janaWorking()
    const before = await outboxOf('u1')
    await clearDevice()
    await claimDevice(jana)
    expect(await outboxOf('u1')).toEqual(before)
    expect((await localOutcomes('u1')).map((o) => [o.leadId, o.code])).toEqual([['lead-1', 'interested']])
    expect(await (await db()).count('held')).toBe(0)
    expect(JSON.parse(localStorage.getItem('strang.lastUser')!)).toMatchObject({ id: 'u1', name: 'Jana Jansen' })
  })

  it('brings back the chips and note as last amended', async () => {
    await claimDevice(jana)
    const id = await logOutcome({ userId: 'u1', leadId: 'lead-1', code: 'objection', details: ['price'] })
    await enqueue('u1', (mid, seq) => ({ type: 'outcome.amend', id: mid, seq, outcome_id: id, note: 'call in May' }))
    await clearDevice()
    expect(await localOutcomes('u1')).toEqual([])
    await claimDevice(jana)
    expect(await localOutcomes('u1')).toMatchObject([{ id, leadId: 'lead-1', code: 'objection', details: ['price'], note: 'call in May' }])
    expect((await outboxOf('u1')).map((e) => e.mutation.type)).toEqual(['outcome.log', 'outcome.amend'])
  })

  it('discards them for another user, who is told nothing, and they never come back', async () => {
    await janaWorking()
    await clearDevice()
    await claimDevice(otto)
    expect(await outboxOf('u2')).toEqual([])
    expect(await (await db()).count('held')).toBe(0)
    const stored = await everything()
    expect(JANAS.filter((s) => stored.includes(s))).toEqual([])
    await clearDevice()
    await claimDevice(jana)
    expect(await outboxOf('u1')).toEqual([])
  })

  it('clears the previous user first when another logs in without a log-out here', async () => {
    await janaWorking()
    await claimDevice(otto) // e.g. the cookie changed in another tab
    const stored = await everything()
    expect(JANAS.filter((s) => stored.includes(s))).toEqual([])
    expect(await (await db()).count('held')).toBe(0)
    expect(JSON.parse(localStorage.getItem('strang.lastUser')!)).toMatchObject({ id: 'u2' })
    expect(localStorage.getItem('strang.lang')).toBe('de')
  })

  it('keeps everything when the same user opens the app again (e.g. offline)', async () => {
    await janaWorking()
    const before = await everything()
    await claimDevice(jana)
    expect(await everything()).toBe(before)
  })
})

describe('sealing', () => {
  it('round-trips the entries through bytes with no readable text', async () => {
    await logOutcome({ userId: 'u1', leadId: 'lead-1', code: 'interested' })
    const entries = await outboxOf('u1')
    const sealed = await seal(entries)
    expect(latin1(sealed)).not.toContain('lead-1')
    expect(await unseal(sealed)).toEqual(entries)
  })

  it('keeps plain bytes where the browser cannot compress, and reads both', async () => {
    await logOutcome({ userId: 'u1', leadId: 'lead-1', code: 'interested' })
    const entries = await outboxOf('u1')
    vi.stubGlobal('CompressionStream', undefined)
    expect(await unseal(await seal(entries))).toEqual(entries)
  })

  it('adds taps written after an earlier clear to what is held, each once', async () => {
    await logOutcome({ userId: 'u1', leadId: 'lead-1', code: 'interested' })
    await holdOutbox()
    await logOutcome({ userId: 'u1', leadId: 'lead-2', code: 'not_home' })
    await holdOutbox()
    const [held] = await (await db()).getAll('held')
    expect((await unseal(held!.sealed)).map((e) => e.mutation.type === 'outcome.log' && e.mutation.lead_id)).toEqual(['lead-1', 'lead-2'])
  })
})
