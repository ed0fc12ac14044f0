// How old the phone's data is and why the last sync failed, as facts the screens can word in
// the rep's language (never the server's own English text).
import { isApiError } from '../api/client'

/** Data older than this is "stale": the app says how old it is on every screen. */
export const STALE_AFTER_MS = 15 * 60 * 1000

/** Why a sync round failed, from the phone's point of view. */
export type SyncFailureKind = 'network' | 'timeout' | 'session' | 'busy' | 'other'

export interface SyncFailure {
  kind: SyncFailureKind
  /** The HTTP status when the server answered (shown as a number for "other"), else null. */
  status: number | null
}

/** True when nothing was ever pulled or the last successful pull is older than 15 minutes. */
export function isStale(lastPullAt: string | null, now: number = Date.now()): boolean {
  if (!lastPullAt) return true
  const at = Date.parse(lastPullAt)
  return Number.isNaN(at) || now - at > STALE_AFTER_MS
}

/** Sorts an error from a sync round into one of the kinds the app can explain. */
export function failureOf(err: unknown): SyncFailure {
  if (err instanceof DOMException && err.name === 'TimeoutError') return { kind: 'timeout', status: null }
  if (!isApiError(err)) return { kind: 'other', status: null }
  const status = err.status
  if (status === 0) return { kind: 'network', status: null }
  if (status === 408) return { kind: 'timeout', status }
  if (status === 401) return { kind: 'session', status }
  if (status === 429 || status >= 500) return { kind: 'busy', status }
  return { kind: 'other', status }
}

/** No connection as far as the rep is concerned: the browser says so, or the server was unreachable. */
export function isOffline(online: boolean, failure: SyncFailure | null): boolean {
  return !online || failure?.kind === 'network'
}
