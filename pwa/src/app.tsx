import { useEffect, useState } from 'preact/hooks'
import { homeFor } from './api/auth'
import { t } from './i18n'
import { useLanguage } from './i18n/hook'
import { claimDevice, clearDevice, onNotificationTap, startDevice, stopDevice } from './offline/device'
import { restoreSession, type Session, type SessionUser } from './offline/session'
import { matchPath, navigate, usePath } from './router'
import { DataAge } from './screens/DataAge'
import { Login } from './screens/Login'
import { Nav } from './screens/Nav'
import { Placeholder } from './screens/Placeholder'
import { lazyScreen } from './screens/lazy'
import { ToastHost } from './screens/Toast'
import { Today } from './screens/Today'
import { UpdatePrompt } from './screens/UpdatePrompt'

const Lead = lazyScreen(() => import('./screens/Lead').then((m) => m.Lead))
const Collateral = lazyScreen(() => import('./screens/Collateral').then((m) => m.Collateral))
const Campaign = lazyScreen(() => import('./screens/Campaign').then((m) => m.Campaign))
const Library = lazyScreen(() => import('./screens/Library').then((m) => m.Library))
const Signals = lazyScreen(() => import('./screens/Signals').then((m) => m.Signals))
const Summary = lazyScreen(() => import('./screens/Summary').then((m) => m.Summary))
const Settings = lazyScreen(() => import('./screens/Settings').then((m) => m.Settings))
const LATER = [Lead, Collateral, Library, Signals, Summary, Settings]

/** Sends marketing and admin users to the console, which is a separate page. */
function leaveIfNotRep(user: SessionUser): boolean {
  const home = homeFor(user.role)
  if (home === '/') return false
  location.replace(home)
  return true
}

function Routes({ session, onLoggedOut }: { session: Session & { user: SessionUser }; onLoggedOut: () => void }) {
  const path = usePath()
  const user = session.user
  const query = new URLSearchParams(location.search)
  let params: Record<string, string> | null
  let screen
  let tabs = true
  if (matchPath('/', path)) screen = <Today user={user} />
  else if ((params = matchPath('/lead/:id', path))) {
    screen = <Lead key={params.id} user={user} id={params.id!} />
    tabs = false
  } else if ((params = matchPath('/campaign/:id', path))) {
    screen = <Campaign key={params.id} id={params.id!} />
    tabs = false
  } else if ((params = matchPath('/collateral/:id', path))) {
    screen = <Collateral key={params.id} user={user} id={params.id!} leadId={query.get('lead')} />
    tabs = false
  } else if (matchPath('/library', path)) screen = <Library />
  else if (matchPath('/signals', path)) screen = <Signals user={user} leadId={query.get('lead')} />
  else if (matchPath('/summary', path)) screen = <Summary user={user} />
  else if (matchPath('/settings', path)) screen = <Settings user={user} onLoggedOut={onLoggedOut} />
  else screen = <Placeholder title="notFound.title" detail={path} />
  return (
    <>
      <DataAge />
      {screen}
      {tabs && <Nav userId={user.id} />}
    </>
  )
}

export function App() {
  useLanguage()
  const [session, setSession] = useState<Session | null>(null)

  useEffect(() => {
    restoreSession().then(async (s) => {
      // Another user than the phone's: the previous one's data goes before anything shows.
      if (s.user) await claimDevice(s.user)
      if (s.user && leaveIfNotRep(s.user)) return
      // Nobody is logged in (any more): nothing of a previous user's content stays on the phone.
      if (!s.user && !s.offline) await clearDevice()
      setSession(s)
    })
  }, [])

  const userId = session?.user?.id
  useEffect(() => {
    if (!userId) return
    startDevice(userId, () => setSession({ user: null, offline: false }))
    // the other screens' code, fetched once the first screen is up (a tap on them is then instant)
    const idle = setTimeout(() => LATER.forEach((screen) => void screen.preload().catch(() => {})), 1500)
    const offTap = onNotificationTap((path) => navigate(path))
    return () => {
      clearTimeout(idle)
      offTap()
      stopDevice()
    }
  }, [userId])

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
        onLoggedIn={async (user) => {
          await claimDevice(user)
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
      <ToastHost />
      <UpdatePrompt />
    </>
  )
}
