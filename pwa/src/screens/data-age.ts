// The words for how old the phone's data is and why a sync failed, in the rep's language.
import { getLanguage, t, type MessageKey } from '../i18n'
import { isOffline, isStale, type SyncFailure } from '../offline/freshness'
import { formatTime } from './format'

const locale = () => (getLanguage() === 'de' ? 'de-DE' : 'en-GB')

/** "14:05" today; "12 Mar, 14:05" (German "12. März, 14:05") on another day; the year when it differs. */
export function formatSyncedAt(iso: string, now: Date = new Date()): string {
  const at = new Date(iso)
  if (at.toDateString() === now.toDateString()) return formatTime(iso)
  const year = at.getFullYear() === now.getFullYear() ? undefined : 'numeric'
  return new Intl.DateTimeFormat(locale(), { day: 'numeric', month: 'short', year, hour: '2-digit', minute: '2-digit' }).format(at)
}

/** The full sentence for a failed sync (Settings). */
export function failureMessage(failure: SyncFailure): string {
  if (failure.kind === 'other')
    return failure.status ? t('sync.failure.other', { status: failure.status }) : t('sync.failure.unknown')
  return t(`sync.failure.${failure.kind}` as MessageKey)
}

export interface AgeInput {
  lastPullAt: string | null
  failure: SyncFailure | null
  /** `navigator.onLine` */
  online: boolean
  /** A sync round is under way. */
  running: boolean
  now: Date
}

/**
 * The quiet line every screen shows when the rep is offline or the data is older than
 * 15 minutes ("offline · data from 14:05"); null when the data is fresh and the phone online.
 */
export function dataAgeLine({ lastPullAt, failure, online, running, now }: AgeInput): string | null {
  const offline = isOffline(online, failure)
  if (!offline && !isStale(lastPullAt, now.getTime())) return null
  // online, nothing failed, a round is fetching: the data is about to be fresh
  if (!offline && !failure && running) return null
  const parts: string[] = []
  if (offline) parts.push(t('age.offline'))
  else if (failure) parts.push(t(`age.${failure.kind}` as MessageKey))
  parts.push(lastPullAt ? t('age.dataFrom', { when: formatSyncedAt(lastPullAt, now) }) : t('age.noData'))
  return parts.join(' · ')
}
