// The sync engine's schedule (page side): runs a round on start, on focus, on regaining the
// connection, a little after each tap and every few minutes; backs off exponentially on failure.
import { isApiError } from '../api/client'
import { onOutboxChange as subscribeOutbox, UNDO_MS } from './outbox'
import { failureOf } from './freshness'
import { heldFor, loadStatus, retryDelayMs, setStatus, syncOnce, type EngineOptions } from './sync'

export const PULL_EVERY_MS = 3 * 60 * 1000
/** A tap is pushed once its Undo window has passed (Undo then just deletes it locally). */
export const PUSH_DELAY_MS = UNDO_MS + 500

/** Runs the engine for a logged-in user; returns a stop function. */
export function startSync(opts: EngineOptions): { stop: () => void; now: () => Promise<void> } {
  let stopped = false
  let failures = 0
  let timer: ReturnType<typeof setTimeout> | null = null
  let inFlight: Promise<void> | null = null
  let again = false
  // the stored last sync is shown before the first round (which may well fail offline)
  const restored = loadStatus(opts.userId).catch(() => undefined)

  const schedule = (ms: number) => {
    if (timer) clearTimeout(timer)
    if (!stopped) timer = setTimeout(() => void run(), ms)
  }

  const run = (): Promise<void> => {
    if (stopped) return Promise.resolve()
    if (inFlight) {
      again = true
      return inFlight
    }
    inFlight = (async () => {
      setStatus({ running: true })
      await restored
      try {
        await syncOnce(opts)
        failures = 0
        setStatus({ failure: null, retryAt: null })
        // an outcome still in its Undo window goes right after it; otherwise the next regular pull
        const held = await heldFor(opts.userId, opts.holdMs ?? UNDO_MS)
        schedule(held > 0 ? held + 300 : PULL_EVERY_MS)
      } catch (err) {
        if (isApiError(err) && err.status === 401) {
          stopped = true
          setStatus({ failure: failureOf(err), retryAt: null })
          opts.onUnauthorized?.()
          return
        }
        failures++
        const wait = retryDelayMs(isApiError(err) ? err.retryAfter : null, failures)
        setStatus({ failure: failureOf(err), retryAt: Date.now() + wait })
        schedule(wait)
      } finally {
        setStatus({ running: false })
        inFlight = null
        if (again && !stopped) {
          again = false
          void run()
        }
      }
    })()
    return inFlight
  }

  const onOnline = () => {
    failures = 0
    void run()
  }
  const onVisible = () => {
    if (document.visibilityState === 'visible') void run()
  }
  const offOutbox = subscribeOutbox(() => {
    // a new tap: push once its Undo window has passed, unless we're backing off
    if (failures > 0) return
    if (inFlight) again = true
    else schedule(PUSH_DELAY_MS)
  })
  globalThis.addEventListener?.('online', onOnline)
  globalThis.addEventListener?.('focus', onVisible)
  globalThis.document?.addEventListener('visibilitychange', onVisible)
  void run()

  return {
    now: () => {
      failures = 0
      return run()
    },
    stop: () => {
      stopped = true
      if (timer) clearTimeout(timer)
      offOutbox()
      globalThis.removeEventListener?.('online', onOnline)
      globalThis.removeEventListener?.('focus', onVisible)
      globalThis.document?.removeEventListener('visibilitychange', onVisible)
    },
  }
}
