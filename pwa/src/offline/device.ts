// The rep's session on this device: starts and stops sync, and clears the device when the
// session ends (log out, or the server answering 401 because it was revoked); keeps the push
// subscription current at every start and reacts to the worker's push messages.
import { db } from './db'
import { clearFiles, prefetchRecommended, requestPersistence } from './files'
import { forgetUser } from './session'
import { startSync } from './engine'
import { startLive } from './live'
import { onDataChange, wipeSynced } from './sync'
import { onWorkerMessage, registerBackgroundSync } from './worker-bridge'
import { onOutboxChange } from './outbox'
import { dropLocalSubscription, refreshPushSubscription } from './push'
import { OPEN_MESSAGE, SYNC_MESSAGE, type WorkerMessage } from '../sw/push'

/** How long a notification tap waits for the sync before showing the screen anyway (offline). */
const TAP_SYNC_WAIT_MS = 3000

let engine: ReturnType<typeof startSync> | null = null
let offs: (() => void)[] = []

/** Starts syncing for the logged-in rep. `onEnded` is called when the server ends the session. */
export function startDevice(userId: string, onEnded: () => void): void {
  stopDevice()
  void (async () => (await db()).put('meta', userId, 'session.userId'))()
  void requestPersistence()
  // the server ended the session: a 401 to a sync round, or a revoke heard on the live stream
  const ended = () => {
    void clearDevice().then(() => {
      forgetUser()
      onEnded()
    })
  }
  engine = startSync({ userId, onUnauthorized: ended })
  let prefetching = false
  offs.push(
    onDataChange(() => {
      if (prefetching) return
      prefetching = true
      void prefetchRecommended().finally(() => (prefetching = false))
    }),
    onOutboxChange(() => void registerBackgroundSync()),
    // the worker pulled after a push: sync here too, so open screens show it
    onWorkerMessage((data) => {
      if ((data as WorkerMessage | null)?.type === SYNC_MESSAGE) void syncNow()
    }),
    // while the app is open, changes for this rep arrive within seconds
    startLive({ onChange: () => void syncNow(), onRevoked: ended }),
  )
  void refreshPushSubscription(userId)
}

/**
 * A notification was tapped while the app was open: syncs (waiting at most a few seconds),
 * then calls `show` with the screen's path. Returns a function that stops listening.
 */
export function onNotificationTap(show: (path: string) => void): () => void {
  return onWorkerMessage((data) => {
    const msg = data as WorkerMessage | null
    if (msg?.type !== OPEN_MESSAGE) return
    const wait = new Promise<void>((resolve) => setTimeout(resolve, TAP_SYNC_WAIT_MS))
    void Promise.race([syncNow().catch(() => undefined), wait]).then(() => show(msg.path))
  })
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
  await Promise.all([wipeSynced(), clearFiles(), dropLocalSubscription()])
  await (await db()).delete('meta', 'session.userId')
}
