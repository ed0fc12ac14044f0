import { t } from '../i18n'
import type { SessionUser } from '../offline/session'
import { LogoutButton } from './LogoutButton'

interface Props {
  user: SessionUser
  offline: boolean
  onLoggedOut: () => void
}

/** Placeholder for the day's visits. */
export function Today({ user, offline, onLoggedOut }: Props) {
  return (
    <main class="screen">
      <header class="bar">
        <h1>{t('today.title')}</h1>
        <LogoutButton onLoggedOut={onLoggedOut} />
      </header>
      {offline && <p class="notice">{t('today.offline')}</p>}
      <p class="greeting">{t('today.greeting', { name: user.name })}</p>
      <p class="muted">{t('today.empty')}</p>
    </main>
  )
}
