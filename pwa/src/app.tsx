import { useEffect, useState } from 'preact/hooks'
import { homeFor } from './api/auth'
import { t } from './i18n'
import { useLanguage } from './i18n/hook'
import { restoreSession, type Session, type SessionUser } from './offline/session'
import { matchPath, usePath } from './router'
import { Login } from './screens/Login'
import { Placeholder } from './screens/Placeholder'
import { Today } from './screens/Today'
import { UpdatePrompt } from './screens/UpdatePrompt'

/** Sends marketing and admin users to the console, which is a separate page. */
function leaveIfNotRep(user: SessionUser): boolean {
  const home = homeFor(user.role)
  if (home === '/') return false
  location.replace(home)
  return true
}

function Routes({ session, onLoggedOut }: { session: Session & { user: SessionUser }; onLoggedOut: () => void }) {
  const path = usePath()
  let params: Record<string, string> | null
  if (matchPath('/', path)) return <Today user={session.user} offline={session.offline} onLoggedOut={onLoggedOut} />
  if ((params = matchPath('/lead/:id', path))) return <Placeholder title="lead.title" detail={params.id} />
  if ((params = matchPath('/collateral/:id', path))) return <Placeholder title="collateral.title" detail={params.id} />
  if (matchPath('/signals', path)) return <Placeholder title="signals.title" />
  if (matchPath('/summary', path)) return <Placeholder title="summary.title" />
  if (matchPath('/settings', path)) return <Placeholder title="settings.title" />
  return <Placeholder title="notFound.title" detail={path} />
}

export function App() {
  useLanguage()
  const [session, setSession] = useState<Session | null>(null)

  useEffect(() => {
    restoreSession().then((s) => {
      if (s.user && leaveIfNotRep(s.user)) return
      setSession(s)
    })
  }, [])

  let body
  if (!session) {
    body = (
      <main class="screen center" aria-busy="true">
        <p class="muted">{t('app.loading')}</p>
      </main>
    )
  } else if (!session.user) {
    body = (
      <Login
        notice={session.offline ? t('login.offline') : undefined}
        onLoggedIn={(user) => {
          if (!leaveIfNotRep(user)) setSession({ user, offline: false })
        }}
      />
    )
  } else {
    body = <Routes session={session as Session & { user: SessionUser }} onLoggedOut={() => setSession({ user: null, offline: false })} />
  }
  return (
    <>
      {body}
      <UpdatePrompt />
    </>
  )
}
