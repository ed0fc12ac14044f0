import { useState } from 'preact/hooks'
import { api } from '../api/client'
import { t } from '../i18n'
import { errorText } from '../i18n/errors'
import { useBusy } from './busy'

/** Change your own password (the rep app's Settings and the console's account page). The current
 * password is required; the service ends every other session of the account, this one stays. */
export function ChangePassword() {
  const [current, setCurrent] = useState('')
  const [next, setNext] = useState('')
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null)
  const [busy, run] = useBusy()

  function submit(e: Event) {
    e.preventDefault()
    void run(async () => {
      setMessage(null)
      try {
        await api.post('/api/v1/me/password', { current_password: current, new_password: next })
        setCurrent('')
        setNext('')
        setMessage({ text: t('password.changed'), error: false })
      } catch (err) {
        setMessage({ text: errorText(err), error: true })
      }
    })
  }

  return (
    <form class="card form" aria-labelledby="password-h" onSubmit={submit} data-testid="change-password">
      <h2 id="password-h">{t('password.title')}</h2>
      <label class="field">
        <span>{t('password.current')}</span>
        <input type="password" autocomplete="current-password" required value={current} onInput={(e) => setCurrent(e.currentTarget.value)} />
      </label>
      <label class="field">
        <span>{t('password.new')}</span>
        <input type="password" autocomplete="new-password" required minLength={8} maxLength={1024} value={next} onInput={(e) => setNext(e.currentTarget.value)} />
      </label>
      {message && (
        <p class={message.error ? 'error' : 'ok'} role={message.error ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}
      <button type="submit" class="secondary" disabled={busy}>
        {t('password.submit')}
      </button>
    </form>
  )
}
