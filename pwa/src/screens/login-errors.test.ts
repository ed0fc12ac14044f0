import { afterEach, describe, expect, it } from 'vitest'
import { ApiError } from '../api/client'
import { setLanguage } from '../i18n'
import { loginErrorMessage } from './login-errors'

afterEach(() => setLanguage('en'))

describe('loginErrorMessage', () => {
  it('says the credentials are wrong on 401', () => {
    expect(loginErrorMessage(new ApiError(401, 'Incorrect email or password'))).toBe('Email or password is wrong.')
  })

  it('rounds the Retry-After up to whole minutes on 429', () => {
    expect(loginErrorMessage(new ApiError(429, 'slow down', [], 30))).toBe('Too many attempts, try again in 1 minute.')
    expect(loginErrorMessage(new ApiError(429, 'slow down', [], 60))).toBe('Too many attempts, try again in 1 minute.')
    expect(loginErrorMessage(new ApiError(429, 'slow down', [], 61))).toBe('Too many attempts, try again in 2 minutes.')
    expect(loginErrorMessage(new ApiError(429, 'slow down', [], 900))).toBe('Too many attempts, try again in 15 minutes.')
  })

  it('names the field on 422 in the rep\'s words and explains a lost connection', () => {
    const invalid = new ApiError(422, 'email: not valid', [{ field: 'email', message: 'not valid', type: 'value_error' }])
    expect(loginErrorMessage(invalid)).toBe('Please check: Email is not valid')
    setLanguage('de')
    expect(loginErrorMessage(invalid)).toBe('Bitte prüfen: E-Mail ist ungültig')
    setLanguage('en')
    expect(loginErrorMessage(new ApiError(0, 'x'))).toMatch(/No connection/)
  })

  it('speaks German', () => {
    setLanguage('de')
    expect(loginErrorMessage(new ApiError(429, '', [], 300))).toBe('Zu viele Versuche, bitte in 5 Minuten erneut versuchen.')
    expect(loginErrorMessage(new ApiError(500, 'Internal Server Error'))).toBe(
      'Anmeldung fehlgeschlagen: Der Server hatte ein Problem (Fehler 500). Bitte erneut versuchen.',
    )
  })
})
