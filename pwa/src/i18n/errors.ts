// Why something failed, in the user's language: the one way both pages word errors. The service
// sends stable codes (an error's `code` + `params`, a 422's pydantic `type`, a push refusal's
// `reason`); its English text is for API users and never shown.
import { isApiError, type ApiError, type FieldError } from '../api/client'
import { t, type MessageKey } from '.'
import { en } from './en'

/** A code the service sends → the key wording it. */
const CODE_KEYS: Record<string, MessageKey> = {
  email_taken: 'error.code.email_taken',
  external_ref_taken: 'error.code.external_ref_taken',
  code_taken: 'error.code.code_taken',
  already_replaced: 'error.code.already_replaced',
  status_move: 'error.code.status_move',
  ends_before_start: 'error.code.ends_before_start',
  concurrent_duplicate: 'error.code.concurrent_duplicate',
  file_type: 'error.code.file_type',
  file_kind_mismatch: 'error.code.file_kind_mismatch',
  image_too_large: 'error.code.image_too_large',
  too_large: 'error.code.too_large',
  wrong_credentials: 'login.wrongCredentials',
  session_ended: 'error.session',
  not_logged_in: 'error.session',
  role_forbidden: 'error.forbidden',
  not_found: 'error.notFound',
  selection_changed: 'error.code.selection_changed',
  unknown_chip: 'error.code.unknown_chip',
  wrong_password: 'error.code.wrong_password',
  same_password: 'error.code.same_password',
  own_account: 'error.code.own_account',
  too_many_attempts: 'error.code.too_many_attempts',
  password_login_off: 'login.passwordOff',
  webhook_not_found: 'error.notFound',
  webhook_delivery_not_found: 'error.notFound',
  webhook_delivery_in_flight: 'error.code.webhook_delivery_in_flight',
}

/** Words for the fields a form names, e.g. `{ email: 'E-Mail' }`; others read as their API name. */
export type FieldLabels = Record<string, string>

function fieldProblem(f: FieldError, labels: FieldLabels): string {
  const field = labels[f.field] ?? f.field
  const ctx = f.ctx ?? {}
  switch (f.type) {
    case 'missing':
      return t('error.field.missing', { field })
    case 'string_too_long':
    case 'too_long':
      return t('error.field.tooLong', { field, n: String(ctx.max_length ?? '') })
    case 'string_too_short':
    case 'too_short':
      return ctx.min_length === 1 ? t('error.field.missing', { field }) : t('error.field.tooShort', { field, n: String(ctx.min_length ?? '') })
    case 'greater_than_equal':
    case 'greater_than':
      return t('error.field.tooSmall', { field, n: String(ctx.ge ?? ctx.gt ?? '') })
    case 'less_than_equal':
    case 'less_than':
      return t('error.field.tooBig', { field, n: String(ctx.le ?? ctx.lt ?? '') })
    case 'url_not_https':
      return t('error.field.notHttps', { field })
    case 'url_has_password':
      return t('error.field.urlPassword', { field })
    default:
      return t('error.field.invalid', { field })
  }
}

/** `name: …` at the start of a 400's English detail names the field it is about. */
function namedField(message: string): string | null {
  const m = /^([a-z_][a-z0-9_.]*):/.exec(message)
  return m ? m[1]! : null
}

function units(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MB` : `${Math.round(bytes / 1024)} KB`
}

function apiErrorText(err: ApiError, labels: FieldLabels): string {
  const key = err.code ? CODE_KEYS[err.code] : undefined
  if (key) {
    const params: Record<string, string | number> = { ...err.params }
    if (typeof params.bytes === 'number') params.size = units(params.bytes)
    return t(key, params)
  }
  if (err.status === 0) return t('error.network')
  if (err.status === 422 && err.fields.length > 0)
    return t('error.invalid', { fields: err.fields.map((f) => fieldProblem(f, labels)).join('; ') })
  if (err.status === 400 || err.status === 422) {
    const field = namedField(err.message)
    return field ? t('error.invalid', { fields: t('error.field.invalid', { field: labels[field] ?? field }) }) : t('error.other', { status: 400 })
  }
  return statusText(err.status)
}

/** The sentence for an answer with this status and no code. */
export function statusText(status: number): string {
  if (status === 401) return t('error.session')
  if (status === 403) return t('error.forbidden')
  if (status === 404 || status === 410) return t('error.notFound')
  if (status === 408 || status === 504) return t('error.timeout')
  if (status === 409) return t('error.conflict')
  if (status === 413) return t('error.tooLarge')
  if (status === 415) return t('error.code.file_type')
  if (status === 429 || status === 503) return t('error.busy')
  if (status >= 500) return t('error.server', { status })
  return t('error.other', { status })
}

/** Any failure (an answer of the service, a lost connection, a full phone, a broken file) as a sentence. */
export function errorText(err: unknown, labels: FieldLabels = {}): string {
  if (isApiError(err)) return apiErrorText(err, labels)
  if (err instanceof DOMException) {
    if (err.name === 'QuotaExceededError') return t('error.storage')
    if (err.name === 'TimeoutError') return t('error.timeout')
    if (err.name === 'NotAllowedError') return t('error.notAllowed')
  }
  if (err instanceof TypeError && /fetch|network|load failed/i.test(err.message)) return t('error.network')
  return t('error.unknown')
}

/** Why the server did not accept a tap or signal (`reason` of a push result, maybe stored as
 * "reason: English detail" by older versions of the app). */
export function rejectedText(stored: string | undefined): string {
  const code = (stored ?? '').split(':')[0]!.trim()
  const key = `rejected.${code}`
  return key in en ? t(key as MessageKey) : t('rejected.other')
}
