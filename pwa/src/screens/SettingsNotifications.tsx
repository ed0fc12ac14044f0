import { useEffect, useState } from 'preact/hooks'
import { t } from '../i18n'
import { errorText } from '../i18n/errors'
import { pushState, turnOffNotifications, turnOnNotifications, type PushState } from '../offline/push'
import type { SessionUser } from '../offline/session'

/** Settings → Notifications: permission is asked only when the rep taps "Turn on". */
export function SettingsNotifications({ user }: { user: SessionUser }) {
  const [state, setState] = useState<PushState | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  useEffect(() => {
    void pushState().then(setState)
  }, [])

  async function turnOn() {
    setBusy(true)
    setError(null)
    try {
      const result = await turnOnNotifications(user.id)
      setState(result.state)
      if (result.error) setError(errorText(result.error))
    } finally {
      setBusy(false)
    }
  }

  async function turnOff() {
    setBusy(true)
    setError(null)
    try {
      await turnOffNotifications()
    } catch (err) {
      setError(errorText(err))
    } finally {
      setState(await pushState())
      setBusy(false)
    }
  }

  return (
    <section class="card" aria-labelledby="notify-h" data-testid="notifications" data-state={state ?? ''}>
      <h2 id="notify-h">{t('notify.title')}</h2>
      {state === 'unsupported' && <p class="muted">{t('notify.unsupported')}</p>}
      {state === 'denied' && <p role="status">{t('notify.denied')}</p>}
      {state === 'on' && <p role="status">{t('notify.on')}</p>}
      {state === 'off' && (
        <>
          <p>{t('notify.explain')}</p>
          <p class="muted" role="status">
            {t('notify.off')}
          </p>
        </>
      )}
      {error && <p class="muted">{t('notify.failed', { detail: error })}</p>}
      {state === 'off' && (
        <button type="button" class="secondary" disabled={busy} onClick={() => void turnOn()}>
          {t('notify.turnOn')}
        </button>
      )}
      {state === 'on' && (
        <button type="button" class="secondary" disabled={busy} onClick={() => void turnOff()}>
          {t('notify.turnOff')}
        </button>
      )}
    </section>
  )
}
