// The console's frame: navigation, header and the screen for the current path.
import { t } from '../i18n'
import type { SessionUser } from '../offline/session'
import { LanguageSwitch } from '../screens/LanguageSwitch'
import { LogoutButton } from '../screens/LogoutButton'
import { ct, type ConsoleKey } from './i18n'
import { useLanguage } from '../i18n/hook'
import { href, match, useLoc } from './nav'
import { CampaignEdit, CampaignList } from './screens/Campaigns'
import { CollateralEngagement } from './screens/CollateralEngagement'
import { Dashboard } from './screens/Dashboard'
import { LeadList } from './screens/LeadList'
import { LeadEdit } from './screens/Leads'
import { LeadImport } from './screens/LeadImport'
import { Signals } from './screens/Signals'
import { Users } from './screens/Users'
import { Audit } from './screens/Audit'
import { WebhookLog, Webhooks } from './screens/Webhooks'
import { ChangePassword } from '../screens/ChangePassword'
import { Visits } from './screens/Visits'
import { LazyShares } from './lazy'

const SECTIONS: { path: string; key: ConsoleKey; admin?: boolean }[] = [
  { path: '/', key: 'nav.dashboard' },
  { path: '/campaigns', key: 'nav.campaigns' },
  { path: '/leads', key: 'nav.leads' },
  { path: '/shares', key: 'nav.shares' },
  { path: '/signals', key: 'nav.signals' },
  { path: '/users', key: 'nav.users', admin: true },
  { path: '/audit', key: 'nav.audit', admin: true },
  { path: '/webhooks', key: 'nav.webhooks', admin: true },
]

function Screen({ user }: { user: SessionUser }) {
  const loc = useLoc()
  const p = loc.path
  let params: Record<string, string> | null
  if (p === '/') return <Dashboard />
  if (p === '/campaigns') return <CampaignList />
  if (p === '/campaigns/new') return <CampaignEdit key="new" id={null} />
  if ((params = match('/campaigns/:id', p))) return <CampaignEdit key={params.id} id={params.id!} />
  if ((params = match('/collateral/:id', p))) return <CollateralEngagement key={params.id} id={params.id!} />
  if (p === '/leads') return <LeadList />
  if (p === '/leads/import') return <LeadImport />
  if ((params = match('/leads/:id', p))) return <LeadEdit key={params.id} id={params.id!} />
  if (p === '/visits') return <Visits />
  if (p === '/shares') return <LazyShares />
  if (p === '/signals') return <Signals />
  if (p === '/users') return user.role === 'admin' ? <Users /> : <p>{ct('users.adminOnly')}</p>
  if (p === '/audit') return user.role === 'admin' ? <Audit /> : <p>{ct('users.adminOnly')}</p>
  if (p === '/webhooks') return user.role === 'admin' ? <Webhooks /> : <p>{ct('users.adminOnly')}</p>
  if ((params = match('/webhooks/:id', p))) return user.role === 'admin' ? <WebhookLog key={params.id} id={params.id!} /> : <p>{ct('users.adminOnly')}</p>
  if (p === '/account') return <ChangePassword />
  return <h1>{t('notFound.title')}</h1>
}

export function Shell({ user, onLoggedOut }: { user: SessionUser; onLoggedOut: () => void }) {
  useLanguage()
  const loc = useLoc()
  const section = SECTIONS.filter((s) => s.path !== '/' && loc.path.startsWith(s.path))[0]?.path ?? '/'
  return (
    <div class="console">
      <header class="console-head">
        <a class="brand" href={href('/')}>
          <img src="/icons/icon-192.png" width="28" height="28" alt="" />
          <span>{t('app.name')}</span>
        </a>
        <nav aria-label={ct('nav.main')}>
          <ul>
            {SECTIONS.filter((s) => !s.admin || user.role === 'admin').map((s) => (
              <li key={s.path}>
                <a href={href(s.path)} aria-current={section === s.path ? 'page' : undefined}>
                  {ct(s.key)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="who">
          <a class="muted" href={href('/account')} title={ct('nav.account')}>
            {user.name}
          </a>
          <LanguageSwitch />
          <LogoutButton onLoggedOut={onLoggedOut} />
        </div>
      </header>
      <main class="console-main">
        <Screen user={user} />
      </main>
    </div>
  )
}
