import { isApiError } from '../api/client'
import { t, type MessageKey } from '../i18n'
import { en } from '../i18n/en'
import { errorText } from '../i18n/errors'

/** The sentence the login screen shows for a failed attempt. */
export function loginErrorMessage(err: unknown): string {
  if (!isApiError(err)) return t('login.failed', { detail: errorText(err) })
  switch (err.status) {
    case 0:
      return t('login.offline')
    case 401:
      return t('login.wrongCredentials')
    case 429: {
      const minutes = Math.max(1, Math.ceil((err.retryAfter ?? 60) / 60))
      return minutes === 1 ? t('login.tooManyOne') : t('login.tooManyOther', { n: minutes })
    }
    case 422:
      return errorText(err, { email: t('login.email'), password: t('login.password') })
    default:
      return t('login.failed', { detail: errorText(err) })
  }
}

/** Why a single sign-on sent the user back (its `?sso_error=` code). */
export function ssoErrorMessage(code: string): string {
  const key = `login.sso.${code}`
  return key in en ? t(key as MessageKey) : t('login.sso.other')
}

/** The `?sso_error=` code a refused single sign-on came back with, removed from the address. */
export function takeSsoError(): string | null {
  const url = new URL(location.href)
  const code = url.searchParams.get('sso_error')
  if (code === null) return null
  url.searchParams.delete('sso_error')
  history.replaceState(history.state, '', url.pathname + url.search + url.hash)
  return code
}
