// Web Push on the page: the only module that touches `Notification` and `PushManager` (the
// registration comes from the worker bridge).
// - permission is asked only when the rep taps "Turn on notifications";
// - on every start (logged in, permission granted) the subscription is checked: made again if
//   it is missing or was made with an older server key (rotation), and always sent to the
//   server again, because `pushsubscriptionchange` is not reliable;
// - "Turn off" and logging out unsubscribe here too.
import { api, isApiError } from '../api/client'
import { getLanguage } from '../i18n'
import { db } from './db'
import { keyBytes, sameKey, subscriptionBody } from './push-wire'
import { workerRegistration } from './worker-bridge'

/** Whose choice "notifications on" is, kept in `meta` (the worker reads it too). */
export const WANTED_KEY = 'push.userId'

export type PushState = 'unsupported' | 'denied' | 'off' | 'on'
export type Permission = 'default' | 'denied' | 'granted'

export interface SubscriptionLike {
  endpoint: string
  options: { applicationServerKey: ArrayBuffer | null }
  toJSON(): { endpoint?: string; keys?: Record<string, string> }
  unsubscribe(): Promise<boolean>
}
export interface PushManagerLike {
  getSubscription(): Promise<SubscriptionLike | null>
  subscribe(options: { userVisibleOnly: boolean; applicationServerKey: BufferSource }): Promise<SubscriptionLike>
}

/** What the browser offers; tests pass a fake. */
export interface PushEnv {
  permission(): Permission | null
  requestPermission(): Promise<Permission>
  /** The worker's push manager, waiting for the worker to be active when `ready` is true. */
  pushManager(ready: boolean): Promise<PushManagerLike | null>
}

const browserEnv: PushEnv = {
  permission: () => (typeof Notification === 'undefined' || typeof PushManager === 'undefined' ? null : Notification.permission),
  requestPermission: () => Notification.requestPermission(),
  pushManager: async (ready) => {
    const reg = await workerRegistration(ready)
    return (reg?.pushManager as PushManagerLike | undefined) ?? null
  },
}

async function wanted(): Promise<string | null> {
  return ((await (await db()).get('meta', WANTED_KEY)) as string | undefined) ?? null
}
async function setWanted(userId: string | null): Promise<void> {
  const d = await db()
  if (userId) await d.put('meta', userId, WANTED_KEY)
  else await d.delete('meta', WANTED_KEY)
}

async function serverKey(): Promise<string> {
  return (await api.get('/api/v1/push/public-key')).public_key
}

async function send(sub: SubscriptionLike): Promise<void> {
  const body = subscriptionBody(sub, getLanguage())
  if (!body) throw new Error('The browser gave a subscription without keys.')
  await api.post('/api/v1/push/subscriptions', body)
}

/** Makes sure this device holds a subscription for `key` (resubscribing after a rotation) and tells the server. */
async function ensureSubscribed(pm: PushManagerLike, key: string): Promise<SubscriptionLike> {
  let sub = await pm.getSubscription()
  if (sub && !sameKey(sub.options.applicationServerKey, key)) {
    await sub.unsubscribe().catch(() => false)
    sub = null
  }
  sub ??= await pm.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) })
  await send(sub)
  return sub
}

/** What Settings shows. */
export async function pushState(env: PushEnv = browserEnv): Promise<PushState> {
  const permission = env.permission()
  if (permission === null) return 'unsupported'
  if (permission === 'denied') return 'denied'
  const pm = await env.pushManager(false)
  if (!pm) return 'unsupported'
  return permission === 'granted' && (await pm.getSubscription()) ? 'on' : 'off'
}

export interface TurnOnResult {
  state: PushState
  /** Why it did not work (the browser's or the server's error; the screen words it). */
  error?: unknown
}

/** "Turn on notifications": asks (only now), subscribes with the server's key and registers this device. */
export async function turnOnNotifications(userId: string, env: PushEnv = browserEnv): Promise<TurnOnResult> {
  let permission = env.permission()
  if (permission === null) return { state: 'unsupported' }
  if (permission === 'default') permission = await env.requestPermission()
  if (permission === 'denied') return { state: 'denied' }
  if (permission !== 'granted') return { state: 'off' } // the prompt was dismissed
  const pm = await env.pushManager(true)
  if (!pm) return { state: 'unsupported' }
  let key: string
  try {
    key = await serverKey()
  } catch (err) {
    return { state: 'off', error: err }
  }
  await setWanted(userId)
  try {
    await ensureSubscribed(pm, key)
    return { state: 'on' }
  } catch (err) {
    // No subscription at all: nothing to retry at the next start. A subscription the server
    // has not heard of yet is sent again at the next start.
    const left = await pm.getSubscription().catch(() => null)
    if (!left) await setWanted(null)
    return { state: left ? 'on' : 'off', error: err }
  }
}

/** "Turn off": forgets this device on the server and unsubscribes here. */
export async function turnOffNotifications(env: PushEnv = browserEnv): Promise<void> {
  await setWanted(null)
  const pm = await env.pushManager(false)
  const sub = await pm?.getSubscription()
  if (!sub) return
  try {
    await api.delete('/api/v1/push/subscriptions', { endpoint: sub.endpoint })
  } catch (err) {
    // offline: the push service answers 410 for the dropped endpoint and the server prunes it
    if (!isApiError(err)) throw err
  }
  await sub.unsubscribe()
}

/**
 * At every start of a logged-in rep: when notifications are granted and were turned on here,
 * re-checks the subscription (missing, or made with an older key: subscribe again) and sends
 * it to the server (idempotent). Quiet on failure: it runs again at the next start.
 */
export async function refreshPushSubscription(userId: string, env: PushEnv = browserEnv): Promise<'skipped' | 'sent' | 'failed'> {
  try {
    if (env.permission() !== 'granted') return 'skipped'
    const pm = await env.pushManager(false)
    if (!pm) return 'skipped'
    const current = await pm.getSubscription()
    if (!current && (await wanted()) !== userId) return 'skipped'
    await ensureSubscribed(pm, await serverKey())
    if ((await wanted()) !== userId) await setWanted(userId)
    return 'sent'
  } catch (err) {
    console.warn('Push subscription not refreshed; trying again at the next start.', err)
    return 'failed'
  }
}

/** Logging out: the server already dropped this device's subscription with the session. */
export async function dropLocalSubscription(env: PushEnv = browserEnv): Promise<void> {
  try {
    await setWanted(null)
    if (env.permission() === null) return
    const sub = await (await env.pushManager(false))?.getSubscription()
    await sub?.unsubscribe()
  } catch {
    // nothing subscribed, or the browser refused: the server side is gone either way
  }
}
