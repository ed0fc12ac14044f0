/// <reference lib="webworker" />
// What the worker does for Web Push (wired in sw.ts): show every poke, pull what it announced,
// and keep the subscription registered when the browser replaces it.
import { api } from '../api/client'
import { db } from '../offline/db'
import { pull } from '../offline/sync'
import { keyBytes, SYNC_MESSAGE, subscriptionBody, type WorkerMessage } from '../offline/push-wire'
import { notificationFor, parsePoke, type Poke } from './push'
import { mayName, pushLang, wordPoke } from './words'

declare const self: ServiceWorkerGlobalScope

/** Tells every open window of the app. */
async function tellWindows(message: WorkerMessage): Promise<void> {
  for (const c of await self.clients.matchAll({ type: 'window', includeUncontrolled: true })) c.postMessage(message)
}

/**
 * A push: ALWAYS shows a notification (browsers punish silent pushes), then pulls the new
 * content for the rep logged in on this device (cookie session) and tells open windows.
 */
export async function onPush(data: string | null | undefined): Promise<void> {
  const poke = parsePoke(data)
  const synced = (async () => {
    const userId = (await (await db()).get('meta', 'session.userId')) as string | undefined
    if (!userId) return
    try {
      await pull({ userId })
    } catch {
      // offline or the session ended: the app pulls when it opens
    }
    await tellWindows({ type: SYNC_MESSAGE })
  })()
  // a name (only where the organisation allows details) arrives with the pull; a slow network only costs the name
  if (mayName(poke)) await Promise.race([synced, new Promise((done) => setTimeout(done, NAME_WAIT_MS))])
  const { title, options } = notificationFor(poke, await wordsFor(poke))
  await Promise.all([self.registration.showNotification(title, options), synced])
}

const NAME_WAIT_MS = 3000

/** The notification's words in the rep's language; neutral ones if anything goes wrong. */
async function wordsFor(poke: Poke): Promise<{ title: string; body: string }> {
  let lang = pushLang(null, self.navigator.language, poke.lang)
  try {
    const d = await db()
    lang = pushLang(await d.get('meta', 'lang'), self.navigator.language, poke.lang)
    if (!mayName(poke) || !poke.target_id) return wordPoke(poke, lang, null)
    const store = poke.type === 'new_leads' ? 'leads' : 'campaigns'
    const held = (await d.get(store, poke.target_id)) as { company?: string; name?: string } | undefined
    return wordPoke(poke, lang, held?.company ?? held?.name ?? null)
  } catch {
    return wordPoke(poke, lang, null)
  }
}

type SubscriptionChange = ExtendableEvent & {
  oldSubscription?: PushSubscription | null
  newSubscription?: PushSubscription | null
}

/** The browser replaced or dropped the subscription: subscribe again with the same key and tell the server. */
export async function onSubscriptionChange(e: SubscriptionChange): Promise<void> {
  const d = await db()
  if (!(await d.get('meta', 'push.userId')) || !(await d.get('meta', 'session.userId'))) return
  let sub = e.newSubscription ?? null
  if (!sub) {
    const old = e.oldSubscription?.options.applicationServerKey
    const key = old ?? keyBytes((await api.get('/api/v1/push/public-key')).public_key)
    sub = await self.registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key })
  }
  const body = subscriptionBody(sub, pushLang(await d.get('meta', 'lang'), self.navigator.language))
  if (body) await api.post('/api/v1/push/subscriptions', body)
  const oldEndpoint = e.oldSubscription?.endpoint
  if (oldEndpoint && oldEndpoint !== sub.endpoint) await api.delete('/api/v1/push/subscriptions', { endpoint: oldEndpoint }).catch(() => undefined)
}
