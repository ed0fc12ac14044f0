// The rep's session on this device: starts and stops sync, and clears the device when the
// session ends (log out, the server answering 401 or the live notice because it was revoked,
// another user logging in); keeps the push subscription current at every start and reacts to
// the worker's push messages.
import { clearFiles, prefetchOnChange, requestPersistence } from './files'
import { holdOutbox, owner, takeOver, wipeStores } from './held'
import { forgetUser, rememberUser, type SessionUser } from './session'
import { startSync } from './engine'
import { startLive } from './live'
import { onDataChange, setStatus } from './sync'
import { onWorkerMessage, registerBackgroundSync, workerRegistration } from './worker-bridge'
import { notifyOutbox, onOutboxChange } from './outbox'
import { dropLocalSubscription, refreshPushSubscription } from './push'
import { OPEN_MESSAGE, SYNC_MESSAGE, type WorkerMessage } from './push-wire'
import { getLanguage, onLanguageChange } from '../i18n'
import { db } from './db'

/** How long a notification tap waits for the sync before showing the screen anyway (offline). */
const TAP_SYNC_WAIT_MS = 3000

let engine: ReturnType<typeof startSync> | null = null
let offs: (() => void)[] = []
let ended: (() => void) | null = null
let clearing: Promise<void> | null = null
/** While nobody owns the phone: content a round begun before the clear brings in goes again. */
let lateData: (() => void) | null = null

/**
 * Starts syncing for the logged-in rep (the phone must be theirs: `claimDevice`). `onEnded` is
 * called when the server ends the session (see `sessionEnded`).
 */
export function startDevice(userId: string, onEnded: () => void): void {
  stopDevice()
  ended = onEnded
  void requestPersistence()
  engine = startSync({ userId, onUnauthorized: () => void sessionEnded() })
  offs.push(
    onDataChange(prefetchOnChange()),
    onOutboxChange(() => void registerBackgroundSync()),
    // the worker pulled after a push: sync here too, so open screens show it
    onWorkerMessage((data) => {
      if ((data as WorkerMessage | null)?.type === SYNC_MESSAGE) void syncNow()
    }),
    // while the app is open, changes for this rep arrive within seconds
    startLive({ onChange: () => void syncNow(), onRevoked: () => void sessionEnded() }),
    // the service worker words notifications in the language the rep chose here
    onLanguageChange((lang) => void rememberLanguage(lang)),
  )
  void rememberLanguage(getLanguage())
  void refreshPushSubscription(userId)
}

async function rememberLanguage(lang: string): Promise<void> {
  await (await db()).put('meta', lang, 'lang').catch(() => undefined)
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

/**
 * The one place the phone forgets its user (log-out, revoked session, another user): stops
 * syncing, seals the unsent taps (see held.ts), empties IndexedDB, the cached collateral files,
 * the remembered user and the push subscription. Calls made meanwhile share the same run.
 */
export function clearDevice(): Promise<void> {
  clearing ??= (async () => {
    stopDevice()
    try {
      await holdOutbox()
    } finally {
      // should sealing fail, the rest still goes; the taps then stay in the outbox, unshown
      await Promise.all([wipeStores(), clearFiles(), dropLocalSubscription(), closeNotifications()])
      forgetUser()
      setStatus({ running: false, lastPullAt: null, lastPushAt: null, failure: null, retryAt: null })
      notifyOutbox()
      lateData ??= onDataChange(() => void owner().then((o) => (o ? undefined : wipeStores())))
    }
  })().finally(() => (clearing = null))
  return clearing
}

/** Notifications still shown (they may name the user's customers) go with the user. */
async function closeNotifications(): Promise<void> {
  try {
    for (const n of (await (await workerRegistration())?.getNotifications()) ?? []) n.close()
  } catch {
    // no worker or no notifications here
  }
}

/**
 * The server says the session is over (401 on pull or push, or the live notice of a revoke):
 * clears the device, then shows the login.
 */
export async function sessionEnded(): Promise<void> {
  try {
    await clearDevice()
  } catch (err) {
    console.warn('The device was not fully cleared.', err)
  }
  ended?.()
}

/**
 * Makes the phone `user`'s before any screen of theirs shows: if it held another user's data it
 * is cleared first; this user's kept taps come back to be sent, other users' are discarded.
 */
export async function claimDevice(user: SessionUser): Promise<void> {
  if ((await owner()) !== user.id) await clearDevice()
  lateData?.()
  lateData = null
  rememberUser(user)
  const back = await takeOver(user.id)
  if (back > 0) notifyOutbox()
}
