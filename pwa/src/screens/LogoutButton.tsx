import { useState } from 'preact/hooks'
import { t } from '../i18n'
import { errorText } from '../i18n/errors'
import { endSession } from '../offline/session'

export function LogoutButton({ onLoggedOut }: { onLoggedOut: () => void }) {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  async function logOut() {
    setBusy(true)
    setError(null)
    try {
      await endSession()
      onLoggedOut()
    } catch (err) {
      setError(t('logout.failed', { detail: errorText(err) }))
    } finally {
      setBusy(false)
    }
  }

  return (
    <>
      <button type="button" class="secondary" onClick={logOut} disabled={busy}>
        {t('logout.button')}
      </button>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </>
  )
}
