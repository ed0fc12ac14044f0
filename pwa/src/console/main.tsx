// Entry of the marketing console (served at /console/). Its own bundle:
// nothing here is loaded by the rep app.
import { render } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { homeFor } from '../api/auth'
import { initLanguage, t } from '../i18n'
import { useLanguage } from '../i18n/hook'
import { restoreSession, type Session } from '../offline/session'
import { startWorker } from '../offline/worker-bridge'
import { LanguageSwitch } from '../screens/LanguageSwitch'
import { Login } from '../screens/Login'
import { LogoutButton } from '../screens/LogoutButton'
import { UpdatePrompt } from '../screens/UpdatePrompt'
import '../styles.css'

function Console() {
  useLanguage()
  const [session, setSession] = useState<Session | null>(null)
  useEffect(() => {
    restoreSession().then(setSession)
  }, [])

  let body
  if (!session) {
    body = <main class="screen center" aria-busy="true"><p class="muted">{t('app.loading')}</p></main>
  } else if (!session.user) {
    body = (
      <Login
        notice={session.offline ? t('login.offline') : undefined}
        onLoggedIn={(user) => setSession({ user, offline: false })}
      />
    )
  } else if (homeFor(session.user.role) !== '/console/') {
    body = (
      <main class="screen">
        <h1>{t('console.title')}</h1>
        <p>{t('console.repHint')}</p>
        <a class="button primary" href="/">{t('console.openApp')}</a>
      </main>
    )
  } else {
    body = (
      <main class="screen wide">
        <header class="bar">
          <h1>{t('console.title')}</h1>
          <LanguageSwitch />
          <LogoutButton onLoggedOut={() => setSession({ user: null, offline: false })} />
        </header>
        <p class="greeting">{session.user.name}</p>
        <p>{t('console.soon')}</p>
      </main>
    )
  }
  return (
    <>
      {body}
      <UpdatePrompt />
    </>
  )
}

initLanguage()
render(<Console />, document.getElementById('app')!)
void startWorker()
