import { afterEach, describe, expect, it, vi } from 'vitest'
import { api, ApiError, CSRF_HEADER, parseRetryAfter, request } from './client'
import { json } from '../testing'

function stubFetch(...responses: (Response | Error)[]) {
  const fetchMock = vi.fn(async (_url: string, _init: RequestInit) => {
    const next = responses.shift()
    if (!next) throw new Error('unexpected fetch')
    if (next instanceof Error) throw next
    return next
  })
  vi.stubGlobal('fetch', fetchMock)
  return fetchMock
}


async function caught(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError)
    return err as ApiError
  }
  throw new Error('expected the call to fail')
}

afterEach(() => vi.unstubAllGlobals())

describe('CSRF header and cookies', () => {
  it('sends X-Requested-With: strang and a JSON body on POST, with same-origin credentials', async () => {
    const f = stubFetch(json(200, { token: 't', user: { id: '1', email: 'a@b.c', name: 'A', role: 'rep' } }))
    await api.post('/api/v1/auth/login', { email: 'a@b.c', password: 'pw' })
    const [url, init] = f.mock.calls[0]!
    const headers = new Headers(init.headers)
    expect(url).toBe('/api/v1/auth/login')
    expect(init.method).toBe('POST')
    expect(init.credentials).toBe('same-origin')
    expect(headers.get(CSRF_HEADER)).toBe('strang')
    expect(headers.get('Content-Type')).toBe('application/json')
    expect(JSON.parse(init.body as string)).toEqual({ email: 'a@b.c', password: 'pw' })
  })

  it.each(['PUT', 'PATCH', 'DELETE'])('sends the CSRF header on %s', async (method) => {
    const f = stubFetch(new Response(null, { status: 204 }))
    await request(method, '/api/v1/things/1')
    expect(new Headers(f.mock.calls[0]![1].headers).get(CSRF_HEADER)).toBe('strang')
  })

  it('does not send it on GET, and sends no body', async () => {
    const f = stubFetch(json(200, { id: '1', email: 'a@b.c', name: 'A', role: 'rep', region: null, team: null }))
    const me = await api.get('/api/v1/me')
    expect(me.name).toBe('A')
    const init = f.mock.calls[0]![1]
    expect(new Headers(init.headers).has(CSRF_HEADER)).toBe(false)
    expect(init.body).toBeUndefined()
  })

  it('never puts a token in an Authorization header', async () => {
    const f = stubFetch(new Response(null, { status: 204 }))
    await api.post('/api/v1/auth/logout')
    expect(new Headers(f.mock.calls[0]![1].headers).has('Authorization')).toBe(false)
  })
})

describe('answers', () => {
  it('returns undefined for 204', async () => {
    stubFetch(new Response(null, { status: 204 }))
    await expect(api.post('/api/v1/auth/logout')).resolves.toBeUndefined()
  })

  it('fills and encodes path parameters and query', async () => {
    const f = stubFetch(json(200, {}))
    await request('GET', '/api/v1/leads/{lead_id}', undefined, { params: { lead_id: 'a b/c' }, query: { since: 5, x: undefined } })
    expect(f.mock.calls[0]![0]).toBe('/api/v1/leads/a%20b%2Fc?since=5')
  })
})

describe('error mapping', () => {
  it('maps a string detail (401) to status and message', async () => {
    stubFetch(json(401, { detail: 'Incorrect email or password' }))
    const err = await caught(api.post('/api/v1/auth/login', { email: 'a@b.c', password: 'x' }))
    expect(err.status).toBe(401)
    expect(err.message).toBe('Incorrect email or password')
    expect(err.fields).toEqual([])
  })

  it('maps a 422 list to field errors and a readable message', async () => {
    stubFetch(
      json(422, {
        detail: [
          { loc: ['body', 'email'], msg: 'value is not a valid email address', type: 'value_error' },
          { loc: ['body', 'password'], msg: 'Field required', type: 'missing' },
        ],
      }),
    )
    const err = await caught(api.post('/api/v1/auth/login', { email: 'nope', password: '' }))
    expect(err.status).toBe(422)
    expect(err.fields).toEqual([
      { field: 'email', message: 'value is not a valid email address', type: 'value_error' },
      { field: 'password', message: 'Field required', type: 'missing' },
    ])
    expect(err.message).toBe('email: value is not a valid email address; password: Field required')
  })

  it('reads Retry-After on 429', async () => {
    stubFetch(json(429, { detail: 'Too many login attempts' }, { 'Retry-After': '300' }))
    const err = await caught(api.post('/api/v1/auth/login', { email: 'a@b.c', password: 'x' }))
    expect(err.status).toBe(429)
    expect(err.retryAfter).toBe(300)
  })

  it('falls back to the status line when the body is not JSON', async () => {
    stubFetch(new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }))
    const err = await caught(api.get('/api/v1/me'))
    expect(err.status).toBe(502)
    expect(err.message).toBe('HTTP 502 Bad Gateway')
  })

  it('turns a failed connection into status 0', async () => {
    stubFetch(new TypeError('Failed to fetch'))
    const err = await caught(api.get('/api/v1/me'))
    expect(err.status).toBe(0)
    expect(err.isNetwork).toBe(true)
  })

  it('lets an abort through unchanged', async () => {
    stubFetch(new DOMException('aborted', 'AbortError'))
    await expect(api.get('/api/v1/me')).rejects.toMatchObject({ name: 'AbortError' })
  })
})

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    const now = Date.parse('2025-01-01T10:00:00Z')
    expect(parseRetryAfter('120', now)).toBe(120)
    expect(parseRetryAfter('Wed, 01 Jan 2025 10:02:30 GMT', now)).toBe(150)
    expect(parseRetryAfter('Wed, 01 Jan 2025 09:00:00 GMT', now)).toBe(0)
    expect(parseRetryAfter(null, now)).toBeNull()
    expect(parseRetryAfter('soon', now)).toBeNull()
  })
})
