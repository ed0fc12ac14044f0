import { t } from '../i18n'
import { pendingCount } from '../offline/outbox'
import { usePath } from '../router'
import { useLive } from './live'

const TABS = [
  ['/', 'nav.today'],
  ['/library', 'nav.library'],
  ['/signals', 'nav.signals'],
  ['/summary', 'nav.summary'],
  ['/settings', 'nav.settings'],
] as const

/** The bottom tab bar, with a quiet count of taps waiting to sync. */
export function Nav({ userId }: { userId: string }) {
  const path = usePath()
  const counts = useLive(() => pendingCount(userId), [userId])
  return (
    <nav class="tabs" aria-label="Strang">
      {TABS.map(([href, key]) => (
        <a key={href} href={href} aria-current={path === href ? 'page' : undefined}>
          {t(key)}
          {href === '/settings' && counts && counts.pending + counts.rejected > 0 && (
            <span class={counts.rejected ? 'badge bad' : 'badge'} data-testid="pending-badge">
              {counts.pending + counts.rejected}
            </span>
          )}
        </a>
      ))}
    </nav>
  )
}
