import { useEffect, useState } from 'preact/hooks'
import { useLanguage } from '../i18n/hook'
import { onSyncStatus, type SyncStatus } from '../offline/sync'
import { dataAgeLine } from './data-age'

/** Re-checks the age this often, so the line appears once the data turns stale. */
const TICK_MS = 30 * 1000

/** The app shell's line about the data's age, shown on every screen when offline or stale. */
export function DataAge() {
  useLanguage()
  const [status, setStatus] = useState<SyncStatus | null>(null)
  const [online, setOnline] = useState(() => globalThis.navigator?.onLine ?? true)
  const [now, setNow] = useState(() => new Date())
  useEffect(() => onSyncStatus(setStatus), [])
  useEffect(() => {
    const update = () => {
      setOnline(navigator.onLine)
      setNow(new Date())
    }
    const timer = setInterval(update, TICK_MS)
    addEventListener('online', update)
    addEventListener('offline', update)
    return () => {
      clearInterval(timer)
      removeEventListener('online', update)
      removeEventListener('offline', update)
    }
  }, [])
  // a status change (a round finished) also moves the clock on
  useEffect(() => setNow(new Date()), [status])
  if (!status) return null
  const line = dataAgeLine({ lastPullAt: status.lastPullAt, failure: status.failure, online, running: status.running, now })
  if (!line) return null
  return (
    <header class="data-age">
      <p role="status" data-testid="data-age">
        {line}
      </p>
    </header>
  )
}
