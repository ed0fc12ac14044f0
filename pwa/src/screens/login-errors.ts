import { isApiError } from '../api/client'
import { t } from '../i18n'
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
