// The rep's session on this device: starts and stops sync, and clears the device when the
// session ends (log out, or the server answering 401 because it was revoked).
import { db } from './db'
import { clearFiles, prefetchRecommended, requestPersistence } from './files'
import { forgetUser } from './session'
import { startSync } from './engine'
import { onDataChange, wipeSynced } from './sync'
import { registerBackgroundSync } from './worker-bridge'
import { onOutboxChange } from './outbox'

let engine: ReturnType<typeof startSync> | null = null
let offs: (() => void)[] = []

/** Starts syncing for the logged-in rep. `onEnded` is called when the server ends the session. */
export function startDevice(userId: string, onEnded: () => void): void {
  stopDevice()
  void (async () => (await db()).put('meta', userId, 'session.userId'))()
  void requestPersistence()
  engine = startSync({
    userId,
    onUnauthorized: () => {
      void clearDevice().then(() => {
        forgetUser()
        onEnded()
      })
    },
  })
  let prefetching = false
  offs.push(
    onDataChange(() => {
      if (prefetching) return
      prefetching = true
      void prefetchRecommended().finally(() => (prefetching = false))
    }),
    onOutboxChange(() => void registerBackgroundSync()),
  )
}

export function stopDevice(): void {
  engine?.stop()
  engine = null
  offs.forEach((f) => f())
  offs = []
}

/** Syncs now (e.g. the rep pulled to refresh). */
export function syncNow(): Promise<void> {
  return engine?.now() ?? Promise.resolve()
}

/** Removes briefs, collateral and cached files; unsent taps stay, tied to their user. */
export async function clearDevice(): Promise<void> {
  stopDevice()
  await Promise.all([wipeSynced(), clearFiles()])
  await (await db()).delete('meta', 'session.userId')
}
