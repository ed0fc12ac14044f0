// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { endSession, restoreSession } from './session'
import { json } from '../testing'

const jana = { id: 'u1', email: 'jana@example.com', name: 'Jana', role: 'rep', region: 'North', team: 'A' }

beforeEach(() => localStorage.clear())
afterEach(() => vi.unstubAllGlobals())

describe('restoreSession', () => {
  it('uses /me and remembers the profile, never a token', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => json(200, jana)))
    expect(await restoreSession()).toEqual({ user: jana, offline: false })
    const stored = JSON.stringify({ ...localStorage })
    expect(stored).toContain('Jana')
    expect(stored).not.toMatch(/token/i)
  })

  it('opens offline with the remembered user when the server is unreachable', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => json(200, jana)))
    await restoreSession()
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))))
    expect(await restoreSession()).toEqual({ user: jana, offline: true })
  })

  it('forgets the user on 401', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => json(200, jana)))
    await restoreSession()
    vi.stubGlobal('fetch', vi.fn(async () => json(401, { detail: 'Not authenticated' })))
    expect(await restoreSession()).toEqual({ user: null, offline: false })
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('offline'))))
    expect(await restoreSession()).toEqual({ user: null, offline: true })
  })

  it('forgets the user after logging out', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => json(200, jana)))
    await restoreSession()
    vi.stubGlobal('fetch', vi.fn(async () => new Response(null, { status: 204 })))
    await endSession()
    expect(localStorage.length).toBe(0)
  })

  it('forgets every key of the user on log-out but the phone\'s language, and session storage', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => json(200, jana)))
    await restoreSession()
    localStorage.setItem('strang.lang', 'de')
    localStorage.setItem('strang.lastLead', 'lead-1')
    sessionStorage.setItem('strang.scroll', 'lead-1')
    vi.stubGlobal('fetch', vi.fn(async () => new Response(null, { status: 204 })))
    await endSession()
    expect({ ...localStorage }).toEqual({ 'strang.lang': 'de' })
    expect(sessionStorage.length).toBe(0)
  })

  it('treats an already-ended session as logged out, but keeps the user when offline', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => json(200, jana)))
    await restoreSession()
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('offline'))))
    await expect(endSession()).rejects.toMatchObject({ status: 0 })
    expect(localStorage.length).toBe(1)
    vi.stubGlobal('fetch', vi.fn(async () => json(401, { detail: 'Not authenticated' })))
    await endSession()
    expect(localStorage.length).toBe(0)
  })
})
