import { afterEach, describe, expect, it } from 'vitest'
import { ApiError } from '../api/client'
import { setLanguage } from '../i18n'
import { failureOf, isStale, STALE_AFTER_MS } from '../offline/freshness'
import { dataAgeLine, failureMessage, formatSyncedAt } from './data-age'

const now = new Date(2026, 2, 12, 14, 30)
const at = (h: number, m: number, day = 12) => new Date(2026, 2, day, h, m).toISOString()

afterEach(() => setLanguage('en'))

describe('isStale', () => {
  it('is stale after 15 minutes, and when nothing was ever pulled', () => {
    expect(isStale(new Date(now.getTime() - STALE_AFTER_MS).toISOString(), now.getTime())).toBe(false)
    expect(isStale(new Date(now.getTime() - STALE_AFTER_MS - 1000).toISOString(), now.getTime())).toBe(true)
    expect(isStale(at(14, 29), now.getTime())).toBe(false)
    expect(isStale(null, now.getTime())).toBe(true)
    expect(isStale('not a time', now.getTime())).toBe(true)
  })
})

describe('failureOf', () => {
  it('sorts errors into kinds the app can explain', () => {
    expect(failureOf(new ApiError(0, 'The server could not be reached.'))).toEqual({ kind: 'network', status: null })
    expect(failureOf(new DOMException('signal timed out', 'TimeoutError'))).toEqual({ kind: 'timeout', status: null })
    expect(failureOf(new ApiError(408, 'Request Timeout')).kind).toBe('timeout')
    expect(failureOf(new ApiError(401, 'Not authenticated')).kind).toBe('session')
    expect(failureOf(new ApiError(429, 'Too many requests')).kind).toBe('busy')
    expect(failureOf(new ApiError(503, 'Service Unavailable')).kind).toBe('busy')
    expect(failureOf(new ApiError(500, 'Internal Server Error')).kind).toBe('busy')
    expect(failureOf(new ApiError(422, 'cursor: bad'))).toEqual({ kind: 'other', status: 422 })
    expect(failureOf(new TypeError('x is undefined'))).toEqual({ kind: 'other', status: null })
  })
})

describe('failureMessage', () => {
  it('speaks the user language, never the server text', () => {
    setLanguage('de')
    const german = [
      failureMessage(failureOf(new ApiError(0, 'The server could not be reached.'))),
      failureMessage(failureOf(new ApiError(503, 'Service Unavailable'))),
      failureMessage(failureOf(new ApiError(401, 'Not authenticated'))),
      failureMessage(failureOf(new DOMException('signal timed out', 'TimeoutError'))),
      failureMessage(failureOf(new ApiError(422, 'cursor: bad'))),
      failureMessage(failureOf(new Error('boom'))),
    ]
    expect(german).toEqual([
      'Der Server war nicht erreichbar.',
      'Der Server ist gerade ausgelastet. Die App versucht es von selbst erneut.',
      'Deine Sitzung ist beendet. Bitte melde dich erneut an.',
      'Der Server hat zu lange nicht geantwortet.',
      'Der Server hat den Sync nicht angenommen (Fehler 422). Die App versucht es von selbst erneut.',
      'Etwas ist schiefgegangen. Die App versucht es von selbst erneut.',
    ])
    for (const text of german) expect(text).not.toMatch(/server could not|Unavailable|Not authenticated|cursor|boom/)
  })
})

describe('dataAgeLine', () => {
  const base = { lastPullAt: at(14, 5), failure: null, online: true, running: false, now }

  it('is silent while online and fresh', () => {
    expect(dataAgeLine({ ...base, lastPullAt: at(14, 20) })).toBeNull()
  })
  it('says offline and the sync time when offline, even when fresh', () => {
    expect(dataAgeLine({ ...base, lastPullAt: at(14, 25), online: false })).toBe('offline · data from 14:25')
    const unreachable = failureOf(new ApiError(0, 'x'))
    expect(dataAgeLine({ ...base, lastPullAt: at(14, 25), failure: unreachable })).toBe('offline · data from 14:25')
    setLanguage('de')
    expect(dataAgeLine({ ...base, online: false })).toBe('offline · Daten von 14:05')
  })
  it('says how old stale data is, with the reason when a round failed', () => {
    expect(dataAgeLine(base)).toBe('data from 14:05')
    expect(dataAgeLine({ ...base, failure: { kind: 'busy', status: 503 } })).toBe('server busy · data from 14:05')
    setLanguage('de')
    expect(dataAgeLine({ ...base, failure: { kind: 'timeout', status: null } })).toBe('langsame Verbindung · Daten von 14:05')
  })
  it('stays quiet while a round is fetching online', () => {
    expect(dataAgeLine({ ...base, running: true })).toBeNull()
    expect(dataAgeLine({ ...base, running: true, online: false })).toBe('offline · data from 14:05')
  })
  it('gives a date when the data is not from today', () => {
    expect(dataAgeLine({ ...base, lastPullAt: at(9, 0, 11), online: false })).toBe('offline · data from 11 Mar, 09:00')
    setLanguage('de')
    expect(formatSyncedAt(at(9, 0, 11), now)).toBe('11. März, 09:00')
    expect(formatSyncedAt(new Date(2025, 11, 30, 9, 0).toISOString(), now)).toBe('30. Dez. 2025, 09:00')
  })
  it('says when nothing was synced yet', () => {
    expect(dataAgeLine({ ...base, lastPullAt: null, online: false })).toBe('offline · nothing synced yet')
  })
})
