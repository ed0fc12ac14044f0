import { useState } from 'preact/hooks'
import { isApiError } from '../api/client'
import { t } from '../i18n'
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
      const detail = isApiError(err) && err.isNetwork ? t('login.offline') : String((err as Error).message ?? err)
      setError(t('logout.failed', { detail }))
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
