// Users (admins only): the list with role, active, region and team editable in place, and a
// form to create a user.
import { useState } from 'preact/hooks'
import { useLanguage } from '../../i18n/hook'
import { consoleApi, errorText, type Role, type User } from '../api'
import { ct } from '../i18n'
import { Loadable, useAsync } from '../ui'

const ROLES: Role[] = ['rep', 'marketing', 'admin']

function UserRow({ user, onError }: { user: User; onError: (m: string) => void }) {
  const [row, setRow] = useState(user)
  const [busy, setBusy] = useState(false)

  async function change(patch: Partial<Pick<User, 'role' | 'is_active' | 'region' | 'team'>>) {
    setBusy(true)
    try {
      setRow(await consoleApi.updateUser(row.id, patch))
    } catch (err) {
      onError(errorText(err))
    } finally {
      setBusy(false)
    }
  }
  const text = (k: 'region' | 'team') => (e: Event) => {
    const v = (e.currentTarget as HTMLInputElement).value.trim()
    if (v !== row[k]) void change({ [k]: v })
  }

  return (
    <tr class={row.is_active ? undefined : 'inactive'}>
      <td>{row.name}</td>
      <td>{row.email}</td>
      <td>
        <select aria-label={`${ct('col.role')}: ${row.name}`} value={row.role} disabled={busy} onChange={(e) => change({ role: (e.currentTarget as HTMLSelectElement).value as Role })}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {ct(`users.role.${r}`)}
            </option>
          ))}
        </select>
      </td>
      <td>
        <input type="text" aria-label={`${ct('col.region')}: ${row.name}`} maxLength={100} value={row.region} disabled={busy} onChange={text('region')} />
      </td>
      <td>
        <input type="text" aria-label={`${ct('col.team')}: ${row.name}`} maxLength={100} value={row.team} disabled={busy} onChange={text('team')} />
      </td>
      <td class="pick">
        <input type="checkbox" aria-label={`${ct('col.active')}: ${row.name}`} checked={row.is_active} disabled={busy} onChange={(e) => change({ is_active: (e.currentTarget as HTMLInputElement).checked })} />
      </td>
      <td>
        <ResetPassword user={row} onError={onError} />
      </td>
    </tr>
  )
}

/** An admin gives a user a new password; the service ends all of that user's sessions. */
function ResetPassword({ user, onError }: { user: User; onError: (m: string) => void }) {
  const [open, setOpen] = useState(false)
  const [password, setPassword] = useState('')
  const [done, setDone] = useState(false)
  async function submit(e: Event) {
    e.preventDefault()
    try {
      await consoleApi.resetPassword(user.id, password)
      setPassword('')
      setOpen(false)
      setDone(true)
    } catch (err) {
      onError(errorText(err))
    }
  }
  if (!open)
    return (
      <>
        <button type="button" class="link" onClick={() => (setOpen(true), setDone(false))}>
          {ct('users.reset')}
        </button>
        {done && <span class="ok" role="status"> {ct('users.resetDone')}</span>}
      </>
    )
  return (
    <form class="inline" onSubmit={submit}>
      <input type="password" autocomplete="new-password" required minLength={8} aria-label={`${ct('users.resetNew')}: ${user.name}`} placeholder={ct('users.resetNew')} value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
      <button type="submit" class="secondary">{ct('users.resetSave')}</button>
      <button type="button" class="link" onClick={() => setOpen(false)}>{ct('common.cancel')}</button>
    </form>
  )
}

function NewUser({ onCreated }: { onCreated: () => void }) {
  const empty = { email: '', name: '', role: 'rep' as Role, password: '', region: '', team: '' }
  const [draft, setDraft] = useState(empty)
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null)
  const [busy, setBusy] = useState(false)
  const text = (k: keyof typeof empty) => (e: Event) => setDraft((d) => ({ ...d, [k]: (e.currentTarget as HTMLInputElement).value }))

  async function submit(e: Event) {
    e.preventDefault()
    setBusy(true)
    setMessage(null)
    try {
      await consoleApi.createUser(draft)
      setDraft(empty)
      setMessage({ text: ct('users.created'), error: false })
      onCreated()
    } catch (err) {
      setMessage({ text: errorText(err), error: true })
    } finally {
      setBusy(false)
    }
  }

  return (
    <form class="panel form" onSubmit={submit}>
      <h2>{ct('users.new')}</h2>
      <div class="grid3">
        <div class="field">
          <label for="u-name">{ct('col.name')}</label>
          <input id="u-name" type="text" required maxLength={200} value={draft.name} onInput={text('name')} />
        </div>
        <div class="field">
          <label for="u-email">{ct('col.email')}</label>
          <input id="u-email" type="email" required maxLength={320} value={draft.email} onInput={text('email')} />
        </div>
        <div class="field">
          <label for="u-role">{ct('col.role')}</label>
          <select id="u-role" value={draft.role} onChange={text('role')}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ct(`users.role.${r}`)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="u-password">{ct('users.password')}</label>
          <input id="u-password" type="password" autocomplete="new-password" required minLength={8} value={draft.password} onInput={text('password')} />
        </div>
        <div class="field">
          <label for="u-region">{ct('col.region')}</label>
          <input id="u-region" type="text" maxLength={100} value={draft.region} onInput={text('region')} />
        </div>
        <div class="field">
          <label for="u-team">{ct('col.team')}</label>
          <input id="u-team" type="text" maxLength={100} value={draft.team} onInput={text('team')} />
        </div>
      </div>
      <p class={message?.error ? 'error' : 'ok'} role={message?.error ? 'alert' : 'status'}>
        {message?.text}
      </p>
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          {ct('users.create')}
        </button>
      </div>
    </form>
  )
}

export function Users() {
  useLanguage()
  const list = useAsync(() => consoleApi.users(), [])
  const [error, setError] = useState<string | null>(null)
  return (
    <div>
      <div class="page-head">
        <h1>{ct('users.title')}</h1>
      </div>
      {error && <p class="error" role="alert">{error}</p>}
      <Loadable state={list}>
        {(rows) => (
          <div class="table-wrap">
            <table data-testid="users">
              <thead>
                <tr>
                  <th>{ct('col.name')}</th>
                  <th>{ct('col.email')}</th>
                  <th>{ct('col.role')}</th>
                  <th>{ct('col.region')}</th>
                  <th>{ct('col.team')}</th>
                  <th>{ct('col.active')}</th>
                  <th>{ct('users.password.col')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((u) => (
                  <UserRow key={u.id} user={u} onError={setError} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Loadable>
      <NewUser onCreated={list.reload} />
    </div>
  )
}
