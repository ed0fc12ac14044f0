// The audit log (admins only): who did what, when and from where; filtered in the URL, exported
// as CSV with the same filters.
import { useLanguage } from '../../i18n/hook'
import { consoleApi, type AuditEvent } from '../api'
import { ct, fmtDateTime } from '../i18n'
import { go, href, useLoc } from '../nav'
import { Loadable, useAsync } from '../ui'

const ACTIONS = [
  'login', 'login.failed', 'login.throttled', 'logout', 'password.changed', 'password.reset',
  'user.created', 'user.changed', 'user.deactivated', 'user.reactivated', 'campaign.live',
  'collateral.version', 'leads.bulk', 'outcomes.exported', 'webhook.created', 'webhook.changed',
  'webhook.secret_rotated', 'webhook.deleted',
] as const
const PAGE = 100

function detailsText(e: AuditEvent): string {
  return Object.entries(e.details)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(' → ') : String(v)}`)
    .join(' · ')
}

export function Audit() {
  useLanguage()
  const { query } = useLoc()
  const filters = {
    action: query.get('action') ?? undefined,
    actor: query.get('actor') ?? undefined,
    since: query.get('since') ?? undefined,
    until: query.get('until') ?? undefined,
  }
  const offset = Number(query.get('offset') ?? '0') || 0
  const page = useAsync(() => consoleApi.audit({ ...filters, limit: PAGE, offset }), [query.toString()])
  const set = (name: string) => (e: Event) => {
    const value = (e.currentTarget as HTMLInputElement).value
    go(href('/audit', { ...filters, [name]: value || undefined }))
  }
  const csv = `/api/v1/audit/events.csv?${new URLSearchParams(Object.entries(filters).filter(([, v]) => v) as [string, string][])}`

  return (
    <div>
      <div class="page-head">
        <h1>{ct('audit.title')}</h1>
        <a class="button secondary" href={csv} download data-testid="audit-csv">
          {ct('audit.export')}
        </a>
      </div>
      <div class="filters">
        <label>
          {ct('audit.action')}
          <select value={filters.action ?? ''} onChange={set('action')}>
            <option value="">{ct('common.all')}</option>
            {ACTIONS.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        <label>
          {ct('audit.actor')}
          <input type="search" maxLength={320} value={filters.actor ?? ''} onChange={set('actor')} />
        </label>
      </div>
      <Loadable state={page}>
        {(data) => (
          <>
            <div class="table-wrap">
              <table data-testid="audit">
                <thead>
                  <tr>
                    <th>{ct('audit.when')}</th>
                    <th>{ct('audit.action')}</th>
                    <th>{ct('audit.actor')}</th>
                    <th>{ct('audit.target')}</th>
                    <th>{ct('audit.details')}</th>
                    <th>{ct('audit.address')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.events.map((e) => (
                    <tr key={e.id}>
                      <td>{fmtDateTime(e.at)}</td>
                      <td>
                        <code>{e.action}</code>
                      </td>
                      <td>{e.actor_email}</td>
                      <td>{e.target_name}</td>
                      <td class="small">{detailsText(e)}</td>
                      <td class="muted">{e.address}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {data.events.length === 0 && <p class="muted">{ct('common.empty')}</p>}
            <p class="muted">
              {ct('common.pageOf', { from: String(data.total ? offset + 1 : 0), to: String(offset + data.events.length), total: String(data.total) })}
            </p>
            <div class="actions">
              {offset > 0 && (
                <a class="button secondary" href={href('/audit', { ...filters, offset: String(Math.max(0, offset - PAGE)) })}>
                  {ct('common.prev')}
                </a>
              )}
              {offset + PAGE < data.total && (
                <a class="button secondary" href={href('/audit', { ...filters, offset: String(offset + PAGE) })}>
                  {ct('common.next')}
                </a>
              )}
            </div>
          </>
        )}
      </Loadable>
    </div>
  )
}
