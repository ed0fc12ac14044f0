/// <reference lib="webworker" />
// Strang's service worker. This file only wires events; decisions live beside it.
// - precache the built shell (the list is injected at build time) and drop old caches;
// - answer page navigations offline with the right shell (rep app or console),
//   never for the service's own paths (/api/, /healthz, /readyz);
// - take over from an older version only when the page asks (the user tapped "Reload");
// - Web Push: show each poke as a notification, pull, and open the right screen on a tap.
import { clientsClaim } from 'workbox-core'
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching'
import { registerRoute } from 'workbox-routing'
import { db } from '../offline/db'
import { push } from '../offline/sync'
import { answerFile, FILES_CACHE, FILES_PREFIX } from './files'
import { APP_SHELL, CONSOLE_SHELL, shellFor } from './navigation'
import { openFromNotification, type ClientsLike } from './push'
import { onPush, onSubscriptionChange } from './push-worker'

declare const self: ServiceWorkerGlobalScope

precacheAndRoute(self.__WB_MANIFEST)
cleanupOutdatedCaches()

const shells = {
  [APP_SHELL]: createHandlerBoundToURL(APP_SHELL),
  [CONSOLE_SHELL]: createHandlerBoundToURL(CONSOLE_SHELL),
}

registerRoute(
  ({ request, url }) => request.mode === 'navigate' && url.origin === self.location.origin && shellFor(url.pathname) !== null,
  (options) => {
    const shell = shellFor(options.url.pathname) as keyof typeof shells
    return shells[shell](options)
  },
)

// Collateral files: from their own cache (Range answered from the full copy), else the network.
registerRoute(
  ({ request, url }) => request.method === 'GET' && url.origin === self.location.origin && url.pathname.startsWith(FILES_PREFIX),
  ({ request }) => answerFile(request),
)

// Background Sync: push the outbox of the user logged in on this device, even with the app closed.
// Only acknowledged mutations leave the outbox, so a push cut short here is simply repeated.
self.addEventListener('sync', (event: Event) => {
  const e = event as ExtendableEvent & { tag?: string }
  if (e.tag !== 'strang-outbox') return
  e.waitUntil(
    (async () => {
      const userId = (await (await db()).get('meta', 'session.userId')) as string | undefined
      if (userId) await push({ userId })
    })(),
  )
})

// Web Push: every poke shows a notification (its type is the tag, so repeats collapse) and pulls.
self.addEventListener('push', (event) => {
  event.waitUntil(onPush(event.data?.text()))
})

// A tap: focus the app and let it sync, then show the screen; or open it there.
self.addEventListener('notificationclick', (event) => {
  event.notification.close()
  event.waitUntil(openFromNotification(event.notification.data, self.clients as unknown as ClientsLike, self.location.origin))
})

// Not every browser fires this (hence the check at every app start), but when it comes, act on it.
self.addEventListener('pushsubscriptionchange', (event: Event) => {
  const e = event as Parameters<typeof onSubscriptionChange>[0]
  e.waitUntil(onSubscriptionChange(e).catch(() => undefined))
})

// Old file caches of earlier versions go when this version takes over.
self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys().then((keys) => Promise.all(keys.filter((k) => k.startsWith('strang-files-') && k !== FILES_CACHE).map((k) => caches.delete(k)))),
  )
})

self.addEventListener('message', (event) => {
  if ((event.data as { type?: unknown } | null)?.type === 'SKIP_WAITING') void self.skipWaiting()
})

// The first install controls open pages at once, so the app works offline after one visit.
// Later versions still wait for SKIP_WAITING: claiming only happens on activation.
clientsClaim()
