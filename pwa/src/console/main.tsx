// Entry of the marketing console (served at /console/). Its own bundle:
// nothing here is loaded by the rep app.
import { render } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { homeFor } from '../api/auth'
import { initLanguage, t } from '../i18n'
import { useLanguage } from '../i18n/hook'
import { restoreSession, type Session, type SessionUser } from '../offline/session'
import { startWorker } from '../offline/worker-bridge'
import { Login } from '../screens/Login'
import { UpdatePrompt } from '../screens/UpdatePrompt'
import '../styles.css'
import './console.css'
import { startConsoleRouter } from './nav'
import { Shell } from './Shell'

/** A rep has no business here: send them to the rep app. Returns true when leaving. */
function leaveIfRep(user: SessionUser): boolean {
  if (homeFor(user.role) === '/console/') return false
  location.replace('/')
  return true
}

function Console() {
  const lang = useLanguage()
  useEffect(() => {
    document.title = `Strang ${t('console.title')}` // the page's name in the marketer's language
  }, [lang])
  const [session, setSession] = useState<Session | null>(null)
  useEffect(() => {
    restoreSession().then((s) => {
      if (s.user && leaveIfRep(s.user)) return
      setSession(s)
    })
  }, [])

  let body
  if (!session) {
    body = <main class="screen center" aria-busy="true"><p class="muted">{t('app.loading')}</p></main>
  } else if (!session.user) {
    body = (
      <Login
        notice={session.offline ? t('login.offline') : undefined}
        onLoggedIn={(user) => {
          if (!leaveIfRep(user)) setSession({ user, offline: false })
        }}
      />
    )
  } else {
    body = <Shell user={session.user} onLoggedOut={() => setSession({ user: null, offline: false })} />
  }
  return (
    <>
      {body}
      <UpdatePrompt />
    </>
  )
}

initLanguage()
startConsoleRouter()
render(<Console />, document.getElementById('app')!)
void startWorker()
