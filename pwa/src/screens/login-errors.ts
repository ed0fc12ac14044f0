import { isApiError } from '../api/client'
import { t } from '../i18n'

/** The sentence the login screen shows for a failed attempt. */
export function loginErrorMessage(err: unknown): string {
  if (!isApiError(err)) return t('login.failed', { detail: String(err) })
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
      return t('login.invalid', { detail: err.message })
    default:
      return t('login.failed', { detail: err.message })
  }
}
