// The page and the service worker's shared words for Web Push: the messages the worker posts
// to open pages, and the subscription's wire form (the server's key, the body it stores).
// The worker imports this side (src/sw builds on src/offline, never the other way round).

/** Worker → page: "new content is waiting, sync". */
export const SYNC_MESSAGE = 'strang-push-sync'
/** Worker → page: "the rep tapped a notification: sync, then show this path". */
export const OPEN_MESSAGE = 'strang-push-open'
export type WorkerMessage = { type: typeof SYNC_MESSAGE } | { type: typeof OPEN_MESSAGE; path: string }

/** `applicationServerKey` as the Push API wants it, from the server's base64url text. */
export function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const b64 = base64url.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (base64url.length % 4)) % 4)
  const bin = atob(b64)
  const out = new Uint8Array(new ArrayBuffer(bin.length))
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out
}

/** True when a subscription's key (null when unknown) is the server's current public key. */
export function sameKey(subscribed: ArrayBuffer | null | undefined, base64url: string): boolean {
  if (!subscribed) return false
  const a = new Uint8Array(subscribed)
  const b = keyBytes(base64url)
  return a.length === b.length && a.every((v, i) => v === b[i])
}

/** The JSON the server stores for a subscription: {endpoint, keys: {p256dh, auth}, lang} (the language its notifications speak). */
export function subscriptionBody(
  sub: { toJSON(): { endpoint?: string; keys?: Record<string, string> } },
  lang: string,
): {
  endpoint: string
  keys: { p256dh: string; auth: string }
  lang: string
} | null {
  const json = sub.toJSON()
  const p256dh = json.keys?.['p256dh']
  const auth = json.keys?.['auth']
  if (!json.endpoint || !p256dh || !auth) return null
  return { endpoint: json.endpoint, keys: { p256dh, auth }, lang: /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(lang) ? lang : '' }
}
