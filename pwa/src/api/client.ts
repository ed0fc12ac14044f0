// The one place that talks HTTP to the Strang service.
// - cookie auth only: credentials stay same-origin, no token is ever stored in JS;
// - every state-changing request carries `X-Requested-With: strang` (the server's CSRF check);
// - every non-2xx answer becomes an ApiError with the status and a readable message.
import type { paths } from './schema'

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete'

/** Header the server requires on POST/PUT/PATCH/DELETE made with the session cookie. */
export const CSRF_HEADER = 'X-Requested-With'
export const CSRF_VALUE = 'strang'
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** One field problem from a 422 answer, e.g. `{ field: 'email', message: '...', type: 'missing' }`:
 * `type` is pydantic's stable error type and `ctx` its figures (`max_length`), for wording it. */
export interface FieldError {
  field: string
  message: string
  type?: string
  ctx?: Record<string, unknown>
}

/** The stable code (and its params) the service adds to errors a person may meet. */
export interface ErrorCode {
  code: string
  params: Record<string, string | number>
}

export class ApiError extends Error {
  /** HTTP status, or 0 when the server could not be reached at all. */
  readonly status: number
  /** Field problems from a 422 answer (empty otherwise). */
  readonly fields: FieldError[]
  /** Seconds to wait before retrying (from `Retry-After`), when the server said so. */
  readonly retryAfter: number | null
  /** The service's stable code for this error (`email_taken`), null when it sent none. */
  readonly code: string | null
  readonly params: Record<string, string | number>

  constructor(
    status: number,
    message: string,
    fields: FieldError[] = [],
    retryAfter: number | null = null,
    code: ErrorCode | null = null,
  ) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.fields = fields
    this.retryAfter = retryAfter
    this.code = code?.code ?? null
    this.params = code?.params ?? {}
  }

  get isNetwork(): boolean {
    return this.status === 0
  }
}

export function isApiError(err: unknown): err is ApiError {
  return err instanceof ApiError
}

/** `Retry-After` is either delay-seconds or an HTTP date; returns whole seconds or null. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (value == null || value.trim() === '') return null
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed)
  const at = Date.parse(trimmed)
  if (Number.isNaN(at)) return null
  return Math.max(0, Math.ceil((at - now) / 1000))
}

function fieldName(loc: unknown): string {
  if (!Array.isArray(loc)) return ''
  // FastAPI locations start with where the value came from: body, query, path, header.
  const parts = loc.filter((p, i) => !(i === 0 && ['body', 'query', 'path', 'header', 'cookie'].includes(String(p))))
  return parts.map(String).join('.')
}

/** Turns the service's `{"detail": string | [{loc, msg}]}` into a message and field list. */
export function describeDetail(detail: unknown): { message: string | null; fields: FieldError[] } {
  if (typeof detail === 'string' && detail.trim() !== '') return { message: detail, fields: [] }
  if (Array.isArray(detail)) {
    const fields: FieldError[] = detail
      .filter(
        (d): d is { loc?: unknown; msg: string; type?: unknown; ctx?: unknown } =>
          typeof d === 'object' && d !== null && typeof d.msg === 'string',
      )
      .map((d) => ({
        field: fieldName(d.loc),
        message: d.msg,
        ...(typeof d.type === 'string' ? { type: d.type } : {}),
        ...(typeof d.ctx === 'object' && d.ctx !== null ? { ctx: d.ctx as Record<string, unknown> } : {}),
      }))
    if (fields.length === 0) return { message: null, fields }
    const message = fields.map((f) => (f.field ? `${f.field}: ${f.message}` : f.message)).join('; ')
    return { message, fields }
  }
  return { message: null, fields: [] }
}

/** The `code` and `params` of an error answer's body, when the service sent them. */
export function errorCodeOf(body: unknown): ErrorCode | null {
  if (typeof body !== 'object' || body === null) return null
  const { code, params } = body as { code?: unknown; params?: unknown }
  if (typeof code !== 'string' || code === '') return null
  const clean = typeof params === 'object' && params !== null ? (params as Record<string, string | number>) : {}
  return { code, params: clean }
}

/** A non-2xx answer as an ApiError (also for downloads made with plain `fetch`). */
export async function toApiError(res: Response): Promise<ApiError> {
  let body: unknown
  try {
    body = await res.json()
  } catch {
    body = undefined // not JSON (e.g. a proxy's HTML error page)
  }
  const { message, fields } = describeDetail((body as { detail?: unknown } | null | undefined)?.detail)
  const fallback = `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`
  const retryAfter = parseRetryAfter(res.headers.get('Retry-After'))
  return new ApiError(res.status, message ?? fallback, fields, retryAfter, errorCodeOf(body))
}

export interface RequestOptions {
  /** Values for `{name}` placeholders in the path. */
  params?: Record<string, string | number>
  query?: Record<string, string | number | boolean | undefined>
  signal?: AbortSignal
}

function buildUrl(path: string, opts: RequestOptions): string {
  let url = path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = opts.params?.[name]
    if (value === undefined) throw new Error(`Missing path parameter "${name}" for ${path}`)
    return encodeURIComponent(String(value))
  })
  if (opts.query) {
    const search = new URLSearchParams()
    for (const [k, v] of Object.entries(opts.query)) if (v !== undefined) search.set(k, String(v))
    const qs = search.toString()
    if (qs) url += `?${qs}`
  }
  return url
}

/** Untyped core; prefer the typed `api` below. */
export async function request<T>(method: string, path: string, body?: unknown, opts: RequestOptions = {}): Promise<T> {
  const verb = method.toUpperCase()
  const headers = new Headers({ Accept: 'application/json' })
  if (!SAFE_METHODS.has(verb)) headers.set(CSRF_HEADER, CSRF_VALUE)
  const init: RequestInit = { method: verb, headers, credentials: 'same-origin', signal: opts.signal }
  if (body !== undefined) {
    headers.set('Content-Type', 'application/json')
    init.body = JSON.stringify(body)
  }
  let res: Response
  try {
    res = await fetch(buildUrl(path, opts), init)
  } catch (err) {
    // cancelled or timed out by the caller: not "unreachable", the caller tells them apart
    if (err instanceof DOMException && (err.name === 'AbortError' || err.name === 'TimeoutError')) throw err
    throw new ApiError(0, 'The server could not be reached.')
  }
  if (!res.ok) throw await toApiError(res)
  if (res.status === 204 || res.status === 205) return undefined as T
  const text = await res.text()
  return (text ? JSON.parse(text) : undefined) as T
}

// ---- types derived from the generated OpenAPI schema ----------------------

type Json<R> = R extends { content: { 'application/json': infer B } } ? B : undefined
type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>
type PathsWith<M extends Method> = { [P in keyof paths]: paths[P] extends { [K in M]: object } ? P : never }[keyof paths]

/** Body of the success answer (200, 201 or none) of an operation. */
export type Ok<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { responses: infer R }
    ? 200 extends keyof R
      ? Json<R[200]>
      : 201 extends keyof R
        ? Json<R[201]>
        : undefined
    : never

/** JSON request body of an operation, or never when it takes none. */
export type Body<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { requestBody?: never }
    ? never
    : Operation<P, M> extends { requestBody: { content: { 'application/json': infer B } } }
      ? B
      : Operation<P, M> extends { requestBody?: { content: { 'application/json': infer B } } }
        ? B | undefined
        : never

type BodyArgs<P extends keyof paths, M extends Method> = [Body<P, M>] extends [never]
  ? [body?: undefined, opts?: RequestOptions]
  : [body: Body<P, M>, opts?: RequestOptions]

function withBody<M extends Exclude<Method, 'get'>>(method: M) {
  return <P extends PathsWith<M>>(path: P, ...[body, opts]: BodyArgs<P, M>) =>
    request<Ok<P, M>>(method, path, body, opts)
}

/** Typed calls: paths, bodies and answers all come from `schema.d.ts`. */
export const api = {
  get: <P extends PathsWith<'get'>>(path: P, opts?: RequestOptions) => request<Ok<P, 'get'>>('get', path, undefined, opts),
  post: withBody('post'),
  put: withBody('put'),
  patch: withBody('patch'),
  delete: withBody('delete'),
}
