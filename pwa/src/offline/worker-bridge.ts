// The only module that talks to `navigator.serviceWorker`.
// It registers /sw.js, notices when a new version is waiting, and activates it
// only when the user asks. The page never reloads on its own.

/** Message the page posts to a waiting worker to make it take over. */
export const SKIP_WAITING = { type: 'SKIP_WAITING' } as const

type UpdateListener = (available: boolean) => void

let waiting: ServiceWorker | null = null
const listeners = new Set<UpdateListener>()

function setWaiting(worker: ServiceWorker | null): void {
  waiting = worker
  for (const fn of listeners) fn(worker !== null)
}

/** Subscribes to "a new version is ready"; calls back at once with the current state. */
export function onUpdateAvailable(fn: UpdateListener): () => void {
  listeners.add(fn)
  fn(waiting !== null)
  return () => listeners.delete(fn)
}

function watch(reg: ServiceWorkerRegistration): void {
  const sw = navigator.serviceWorker
  // A worker that is already waiting when the page opens (the user said "later" last time).
  if (reg.waiting && sw.controller) setWaiting(reg.waiting)
  reg.addEventListener('updatefound', () => {
    const installing = reg.installing
    installing?.addEventListener('statechange', () => {
      // Only an update if an older worker controls this page; the very first install is not.
      if (installing.state === 'installed' && sw.controller) setWaiting(installing)
    })
  })
  // Long-lived phone sessions: look for a new version whenever the app comes back to the front.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') reg.update().catch(() => undefined)
  })
}

/** Registers the service worker (production builds only). Safe to call once at start-up. */
export async function startWorker(): Promise<void> {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return
  try {
    const reg = await navigator.serviceWorker.register('/sw.js', { scope: '/' })
    watch(reg)
  } catch (err) {
    console.warn('Service worker registration failed; the app still works online.', err)
  }
}

/** Called when the user taps "Reload": activate the waiting version, then reload once it controls the page. */
export function applyUpdate(): void {
  const worker = waiting
  if (!worker) return
  navigator.serviceWorker.addEventListener('controllerchange', () => location.reload(), { once: true })
  worker.postMessage(SKIP_WAITING)
}

/** Hides the prompt for now; it comes back on the next start while the update still waits. */
export function dismissUpdate(): void {
  setWaiting(null)
}

/** Background Sync tag the worker answers by pushing the outbox. */
export const OUTBOX_SYNC_TAG = 'strang-outbox'

/**
 * Asks the browser to wake the worker to push the outbox once a connection is back, even if
 * the app is closed (Chromium). Elsewhere (Safari) the page's own triggers cover it.
 */
export async function registerBackgroundSync(): Promise<boolean> {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return false
  try {
    const reg = (await navigator.serviceWorker.ready) as ServiceWorkerRegistration & {
      sync?: { register(tag: string): Promise<void> }
    }
    if (!reg.sync) return false
    await reg.sync.register(OUTBOX_SYNC_TAG)
    return true
  } catch {
    return false
  }
}

/**
 * The worker's registration, or null (development build, no support, not registered).
 * With `ready`, waits (up to 10 s) for the worker to be active, as subscribing needs it.
 */
export async function workerRegistration(ready = false): Promise<ServiceWorkerRegistration | null> {
  if (!('serviceWorker' in navigator)) return null
  try {
    const reg = (await navigator.serviceWorker.getRegistration('/')) ?? null
    if (!reg || reg.active || !ready) return reg
    const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), 10_000))
    return await Promise.race([navigator.serviceWorker.ready, timeout])
  } catch {
    return null
  }
}

/** Listens to the messages the worker posts to this page; returns a function that stops. */
export function onWorkerMessage(fn: (data: unknown) => void): () => void {
  if (!('serviceWorker' in navigator)) return () => undefined
  const listener = (e: MessageEvent) => fn(e.data)
  navigator.serviceWorker.addEventListener('message', listener)
  return () => navigator.serviceWorker.removeEventListener('message', listener)
}
