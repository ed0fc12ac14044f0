import 'fake-indexeddb/auto'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { keyBytes } from './push-wire'
import { db, openStrangDB, useDatabase } from './db'
import {
  dropLocalSubscription,
  pushState,
  refreshPushSubscription,
  turnOffNotifications,
  turnOnNotifications,
  WANTED_KEY,
  type Permission,
  type PushEnv,
  type SubscriptionLike,
} from './push'

// Two server keys (65-byte uncompressed points), base64url as the server sends them.
const b64url = (bytes: number[]) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
const KEY_1 = b64url([4, ...Array.from({ length: 64 }, (_, i) => i)])
const KEY_2 = b64url([4, ...Array.from({ length: 64 }, (_, i) => 200 - i)])
const P256DH = b64url([4, ...Array.from({ length: 64 }, () => 7)])
const AUTH = b64url(Array.from({ length: 16 }, () => 9))

let n = 0
let serverKey = KEY_1
let calls: { method: string; url: string; body: unknown }[] = []

beforeEach(() => {
  useDatabase(openStrangDB(`push-test-${++n}`))
  serverKey = KEY_1
  calls = []
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      calls.push({ method: init?.method ?? 'GET', url, body: init?.body ? JSON.parse(String(init.body)) : undefined })
      if (url === '/api/v1/push/public-key') return Response.json({ public_key: serverKey })
      if (init?.method === 'DELETE') return new Response(null, { status: 204 })
      return Response.json({ endpoint: 'x', created: true }, { status: 201 })
    }),
  )
})

/** A fake browser: a permission prompt answering `answer`, and a push manager. */
function fakeEnv(initial: Permission, answer: Permission = initial, opts: { subscribeFails?: string } = {}) {
  let permission = initial
  let current: SubscriptionLike | null = null
  let made = 0
  const prompts = vi.fn(async () => (permission = answer))
  const subscribe = vi.fn(async ({ applicationServerKey }: { applicationServerKey: BufferSource }) => {
    if (opts.subscribeFails) throw new DOMException(opts.subscribeFails, 'AbortError')
    const key = new Uint8Array(applicationServerKey as Uint8Array).slice().buffer
    const sub: SubscriptionLike = {
      endpoint: `https://push.example/${++made}`,
      options: { applicationServerKey: key },
      toJSON: () => ({ endpoint: sub.endpoint, keys: { p256dh: P256DH, auth: AUTH } }),
      unsubscribe: vi.fn(async () => {
        if (current === sub) current = null
        return true
      }),
    }
    current = sub
    return sub
  })
  const env: PushEnv = {
    permission: () => permission,
    requestPermission: prompts,
    pushManager: async () => ({ getSubscription: async () => current, subscribe }),
  }
  return { env, prompts, subscribe, current: () => current }
}

const posts = () => calls.filter((c) => c.method === 'POST' && c.url === '/api/v1/push/subscriptions')
const wanted = async () => (await db()).get('meta', WANTED_KEY)

describe('turning notifications on', () => {
  it('asks only when tapped, then subscribes with the server key and registers the device', async () => {
    const fake = fakeEnv('default', 'granted')
    expect(await pushState(fake.env)).toBe('off')
    expect(fake.prompts).not.toHaveBeenCalled()

    expect(await turnOnNotifications('u1', fake.env)).toEqual({ state: 'on' })
    expect(fake.prompts).toHaveBeenCalledTimes(1)
    expect(fake.subscribe).toHaveBeenCalledWith({ userVisibleOnly: true, applicationServerKey: keyBytes(KEY_1) })
    expect(posts()).toEqual([
      { method: 'POST', url: '/api/v1/push/subscriptions', body: { endpoint: 'https://push.example/1', keys: { p256dh: P256DH, auth: AUTH }, lang: 'en' } },
    ])
    expect(await pushState(fake.env)).toBe('on')
    expect(await wanted()).toBe('u1')
  })

  it('denied: nothing subscribed, nothing sent, the state says so', async () => {
    const fake = fakeEnv('default', 'denied')
    expect(await turnOnNotifications('u1', fake.env)).toEqual({ state: 'denied' })
    expect(fake.subscribe).not.toHaveBeenCalled()
    expect(calls).toEqual([])
    expect(await pushState(fake.env)).toBe('denied')
  })

  it('a dismissed prompt leaves it off, and asks again at the next tap', async () => {
    const fake = fakeEnv('default', 'default')
    expect(await turnOnNotifications('u1', fake.env)).toEqual({ state: 'off' })
    await turnOnNotifications('u1', fake.env)
    expect(fake.prompts).toHaveBeenCalledTimes(2)
  })

  it('no push service: off with the reason, and not retried at the next start', async () => {
    const fake = fakeEnv('granted', 'granted', { subscribeFails: 'Registration failed - push service error' })
    const result = await turnOnNotifications('u1', fake.env)
    expect(result.state).toBe('off')
    expect((result.error as DOMException).message).toBe('Registration failed - push service error')
    expect(posts()).toEqual([])
    expect(await wanted()).toBeUndefined()
    expect(await refreshPushSubscription('u1', fake.env)).toBe('skipped')
  })

  it('unsupported browsers say so', async () => {
    const env: PushEnv = { permission: () => null, requestPermission: vi.fn(), pushManager: async () => null }
    expect(await pushState(env)).toBe('unsupported')
    expect(await turnOnNotifications('u1', env)).toEqual({ state: 'unsupported' })
  })
})

describe('at every start', () => {
  it('re-sends the current subscription (idempotent on the server)', async () => {
    const fake = fakeEnv('granted')
    await turnOnNotifications('u1', fake.env)
    expect(await refreshPushSubscription('u1', fake.env)).toBe('sent')
    expect(await refreshPushSubscription('u1', fake.env)).toBe('sent')
    expect(fake.subscribe).toHaveBeenCalledTimes(1)
    expect(posts().map((c) => (c.body as { endpoint: string }).endpoint)).toEqual(Array(3).fill('https://push.example/1'))
  })

  it('after a key rotation, unsubscribes and subscribes again with the new key', async () => {
    const fake = fakeEnv('granted')
    await turnOnNotifications('u1', fake.env)
    const old = fake.current()!
    serverKey = KEY_2
    expect(await refreshPushSubscription('u1', fake.env)).toBe('sent')
    expect(old.unsubscribe).toHaveBeenCalled()
    expect(fake.subscribe).toHaveBeenLastCalledWith({ userVisibleOnly: true, applicationServerKey: keyBytes(KEY_2) })
    expect((posts().at(-1)!.body as { endpoint: string }).endpoint).toBe('https://push.example/2')
  })

  it('subscribes again when the browser dropped the subscription of a rep who turned it on', async () => {
    const fake = fakeEnv('granted')
    await turnOnNotifications('u1', fake.env)
    await fake.current()!.unsubscribe()
    expect(await refreshPushSubscription('u1', fake.env)).toBe('sent')
    expect(fake.current()!.endpoint).toBe('https://push.example/2')
  })

  it('does nothing without permission, or when the rep never turned it on', async () => {
    expect(await refreshPushSubscription('u1', fakeEnv('default').env)).toBe('skipped')
    expect(await refreshPushSubscription('u1', fakeEnv('granted').env)).toBe('skipped')
    expect(calls).toEqual([])
  })

  it('offline: fails quietly and tries again next time', async () => {
    const fake = fakeEnv('granted')
    await turnOnNotifications('u1', fake.env)
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('offline'))))
    vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    expect(await refreshPushSubscription('u1', fake.env)).toBe('failed')
  })
})

describe('turning off and logging out', () => {
  it('turn off: the server forgets the endpoint and the browser unsubscribes; no resubscribe at start', async () => {
    const fake = fakeEnv('granted')
    await turnOnNotifications('u1', fake.env)
    await turnOffNotifications(fake.env)
    expect(calls.at(-1)).toEqual({ method: 'DELETE', url: '/api/v1/push/subscriptions', body: { endpoint: 'https://push.example/1' } })
    expect(fake.current()).toBeNull()
    expect(await pushState(fake.env)).toBe('off')
    expect(await refreshPushSubscription('u1', fake.env)).toBe('skipped')
  })

  it('log out: unsubscribes here without a server call (the session took it along)', async () => {
    const fake = fakeEnv('granted')
    await turnOnNotifications('u1', fake.env)
    const before = calls.length
    await dropLocalSubscription(fake.env)
    expect(fake.current()).toBeNull()
    expect(calls.length).toBe(before)
    expect(await wanted()).toBeUndefined()
  })
})
