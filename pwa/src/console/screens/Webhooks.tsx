// Webhooks (admins only): https endpoints of the CRM per event type, the signing secret shown
// once (at registration and rotation), and each endpoint's delivery log with resend.
import { useState } from 'preact/hooks'
import { useLanguage } from '../../i18n/hook'
import { consoleApi, errorText, type Webhook, type WebhookDelivery, type WebhookEventType } from '../api'
import { ct, fmtDateTime, fmtInt, type ConsoleKey } from '../i18n'
import { href } from '../nav'
import { Loadable, Pager, useAsync } from '../ui'

export const EVENT_TYPES: WebhookEventType[] = [
  'outcome.logged', 'outcome.retracted', 'signal.sent', 'signal.acknowledged', 'lead.assigned', 'share.opened',
]
const PAGE = 50

const typeLabel = (type: string) => ct(`webhooks.type.${type}` as ConsoleKey)

/** The secret, shown this once: the service keeps no copy it could show again. */
function SecretOnce({ secret, onDone }: { secret: string; onDone: () => void }) {
  return (
    <div class="panel" role="status" data-testid="webhook-secret-panel">
      <h2>{ct('webhooks.secretTitle')}</h2>
      <p>{ct('webhooks.secretOnce')}</p>
      <p>
        <code data-testid="webhook-secret">{secret}</code>
      </p>
      <button type="button" class="secondary" onClick={onDone}>
        {ct('webhooks.secretDone')}
      </button>
    </div>
  )
}

function NewWebhook({ onCreated }: { onCreated: (secret: string) => void }) {
  const [url, setUrl] = useState('')
  const [description, setDescription] = useState('')
  const [types, setTypes] = useState<WebhookEventType[]>([])
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const toggle = (type: WebhookEventType) =>
    setTypes((now) => (now.includes(type) ? now.filter((t) => t !== type) : [...now, type]))

  async function submit(e: Event) {
    e.preventDefault()
    if (types.length === 0) return setError(ct('webhooks.pickTypes'))
    setBusy(true)
    setError(null)
    try {
      const created = await consoleApi.createWebhook({ url: url.trim(), description, event_types: types, active: true })
      setUrl('')
      setDescription('')
      setTypes([])
      onCreated(created.secret)
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <form class="panel form" onSubmit={submit}>
      <h2>{ct('webhooks.new')}</h2>
      <div class="field">
        <label for="webhook-url">{ct('webhooks.url')}</label>
        <input id="webhook-url" type="url" required maxLength={2000} placeholder="https://crm.example.com/strang" value={url} onInput={(e) => setUrl(e.currentTarget.value)} />
      </div>
      <div class="field">
        <label for="webhook-description">{ct('webhooks.description')}</label>
        <input id="webhook-description" type="text" maxLength={200} value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
      </div>
      <fieldset>
        <legend>{ct('webhooks.events')}</legend>
        {EVENT_TYPES.map((type) => (
          <label key={type} class="check">
            <input type="checkbox" checked={types.includes(type)} onChange={() => toggle(type)} /> {typeLabel(type)} <code class="muted">{type}</code>
          </label>
        ))}
      </fieldset>
      {error && <p class="error" role="alert">{error}</p>}
      <div class="actions">
        <button type="submit" disabled={busy}>
          {ct('webhooks.register')}
        </button>
      </div>
    </form>
  )
}

function WebhookRow({ hook, onSecret, onChanged, onError }: { hook: Webhook; onSecret: (s: string) => void; onChanged: () => void; onError: (m: string) => void }) {
  const [busy, setBusy] = useState(false)
  async function act(run: () => Promise<unknown>) {
    setBusy(true)
    try {
      await run()
      onChanged()
    } catch (err) {
      onError(errorText(err))
    } finally {
      setBusy(false)
    }
  }
  const rotate = () => {
    if (!confirm(ct('webhooks.rotateConfirm'))) return
    void act(async () => onSecret((await consoleApi.rotateWebhookSecret(hook.id)).secret))
  }
  const remove = () => {
    if (confirm(ct('webhooks.deleteConfirm', { url: hook.url }))) void act(() => consoleApi.deleteWebhook(hook.id))
  }
  return (
    <tr>
      <td>
        <a href={href(`/webhooks/${hook.id}`)}>{hook.url}</a>
        {hook.description && <div class="muted small">{hook.description}</div>}
      </td>
      <td class="small">{hook.event_types.map(typeLabel).join(', ')}</td>
      <td class="pick">
        <input type="checkbox" aria-label={`${ct('webhooks.active')}: ${hook.url}`} checked={hook.active} disabled={busy} onChange={(e) => act(() => consoleApi.updateWebhook(hook.id, { active: e.currentTarget.checked }))} />
      </td>
      <td class="num">{fmtInt(hook.pending ?? 0)}</td>
      <td class="num">{fmtInt(hook.failed ?? 0)}</td>
      <td>{fmtDateTime(hook.last_delivered_at)}</td>
      <td>
        <a class="button secondary" href={href(`/webhooks/${hook.id}`)}>{ct('webhooks.log')}</a>{' '}
        <button type="button" class="secondary" disabled={busy} onClick={rotate}>{ct('webhooks.rotate')}</button>{' '}
        <button type="button" class="link" disabled={busy} onClick={remove}>{ct('webhooks.delete')}</button>
      </td>
    </tr>
  )
}

export function Webhooks() {
  useLanguage()
  const hooks = useAsync(() => consoleApi.webhooks(), [])
  const [secret, setSecret] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const showSecret = (s: string) => {
    setSecret(s)
    hooks.reload()
  }
  return (
    <div>
      <div class="page-head">
        <h1>{ct('webhooks.title')}</h1>
      </div>
      <p class="muted">{ct('webhooks.intro')}</p>
      {secret && <SecretOnce secret={secret} onDone={() => setSecret(null)} />}
      {error && <p class="error" role="alert">{error}</p>}
      <Loadable state={hooks}>
        {(list) =>
          list.length === 0 ? (
            <p class="muted">{ct('webhooks.none')}</p>
          ) : (
            <div class="table-wrap">
              <table data-testid="webhooks">
                <thead>
                  <tr>
                    <th>{ct('webhooks.url')}</th>
                    <th>{ct('webhooks.events')}</th>
                    <th>{ct('webhooks.active')}</th>
                    <th>{ct('webhooks.pending')}</th>
                    <th>{ct('webhooks.failed')}</th>
                    <th>{ct('webhooks.lastDelivered')}</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {list.map((h) => (
                    <WebhookRow key={h.id} hook={h} onSecret={showSecret} onChanged={hooks.reload} onError={setError} />
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Loadable>
      <NewWebhook onCreated={showSecret} />
    </div>
  )
}

function DeliveryRow({ hookId, delivery, onChanged, onError }: { hookId: string; delivery: WebhookDelivery; onChanged: () => void; onError: (m: string) => void }) {
  const [busy, setBusy] = useState(false)
  async function resend() {
    setBusy(true)
    try {
      await consoleApi.resendWebhookDelivery(hookId, delivery.id)
      onChanged()
    } catch (err) {
      onError(errorText(err))
    } finally {
      setBusy(false)
    }
  }
  const d = delivery
  return (
    <tr data-status={d.status}>
      <td>{fmtDateTime(d.created_at)}</td>
      <td>
        {typeLabel(d.event_type)}
        <div class="muted small"><code>{d.event_id}</code></div>
      </td>
      <td>{ct(`webhooks.status.${d.status}` as ConsoleKey)}</td>
      <td class="num">{fmtInt(d.attempts)}</td>
      <td>{d.last_status_code ?? ct('common.none')}</td>
      <td class="small">{d.last_error || ct('common.none')}</td>
      <td>{fmtDateTime(d.last_attempt_at)}</td>
      <td>{d.status === 'delivered' ? fmtDateTime(d.delivered_at) : d.status === 'pending' ? ct('webhooks.nextAt', { when: fmtDateTime(d.next_attempt_at) }) : ct('common.none')}</td>
      <td>
        <button type="button" class="secondary" disabled={busy} onClick={resend}>{ct('webhooks.resend')}</button>
      </td>
    </tr>
  )
}

export function WebhookLog({ id }: { id: string }) {
  useLanguage()
  const [offset, setOffset] = useState(0)
  const [status, setStatus] = useState('')
  const [error, setError] = useState<string | null>(null)
  const hook = useAsync(() => consoleApi.webhook(id), [id])
  const log = useAsync(() => consoleApi.webhookDeliveries(id, { status: status || undefined, limit: PAGE, offset }), [id, status, offset])
  return (
    <div>
      <p>
        <a href={href('/webhooks')}>{ct('webhooks.back')}</a>
      </p>
      <div class="page-head">
        <h1>{ct('webhooks.logTitle', { url: hook.data?.url ?? '' })}</h1>
        <button type="button" class="secondary" onClick={log.reload}>{ct('webhooks.refresh')}</button>
      </div>
      <div class="filters">
        <label>
          {ct('webhooks.status')}
          <select value={status} onChange={(e) => (setStatus(e.currentTarget.value), setOffset(0))}>
            <option value="">{ct('common.all')}</option>
            {(['pending', 'delivered', 'failed'] as const).map((s) => (
              <option key={s} value={s}>{ct(`webhooks.status.${s}`)}</option>
            ))}
          </select>
        </label>
      </div>
      {error && <p class="error" role="alert">{error}</p>}
      <Loadable state={log}>
        {(page) => (
          <>
            <div class="table-wrap">
              <table data-testid="webhook-deliveries">
                <thead>
                  <tr>
                    <th>{ct('webhooks.created')}</th>
                    <th>{ct('webhooks.event')}</th>
                    <th>{ct('webhooks.status')}</th>
                    <th>{ct('webhooks.attempts')}</th>
                    <th>{ct('webhooks.code')}</th>
                    <th>{ct('webhooks.error')}</th>
                    <th>{ct('webhooks.lastAttempt')}</th>
                    <th>{ct('webhooks.deliveredOrNext')}</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((d) => (
                    <DeliveryRow key={d.id} hookId={id} delivery={d} onChanged={log.reload} onError={setError} />
                  ))}
                </tbody>
              </table>
            </div>
            {page.items.length === 0 && <p class="muted">{ct('common.empty')}</p>}
            <Pager offset={offset} limit={PAGE} total={page.total} onPage={setOffset} />
          </>
        )}
      </Loadable>
    </div>
  )
}
