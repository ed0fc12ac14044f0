// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest'
import { setLanguage } from '../i18n'
import type { ImportProblem } from './api'
import { de } from './i18n/de'
import { en } from './i18n/en'
import { PROBLEM_KEYS, problemText } from './problems'
import { wallClock } from './zone'

afterEach(() => setLanguage('en'))

function problem(code: ImportProblem['code'], value: string, params: ImportProblem['params'] = {}): ImportProblem {
  return { row: 5, company: 'Bäckerei Fehler', external_ref: 'K-3', column: 'Besuchstermin', value, code, params, message: 'English from the server' }
}

describe('import problems in the marketer’s language', () => {
  it('words each code in German with its value and details', () => {
    setLanguage('de')
    expect(problemText(problem('unknown_rep', 'chef@example.test'))).toBe('Kein aktiver Außendienstler hat die E-Mail „chef@example.test“.')
    expect(problemText(problem('nonexistent_time', '29.03.2026 02:30', { zone: 'Europe/Berlin' }))).toBe(
      '„29.03.2026 02:30“ gibt es in Europe/Berlin nicht: Bei Beginn der Sommerzeit wird diese Stunde übersprungen.',
    )
    expect(problemText(problem('duplicate_ref', 'K-1', { first_row: 2 }))).toBe('Die Kundennummer „K-1“ steht schon in Zeile 2.')
    setLanguage('en')
    expect(problemText(problem('too_long', 'x', { max: 200 }))).toBe('Longer than 200 characters.')
  })

  it('has both languages for every code, with the same details filled in', () => {
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
    for (const key of Object.values(PROBLEM_KEYS)) {
      expect(en[key], key).toBeTruthy()
      expect(de[key], key).toBeTruthy()
      expect(de[key], key).not.toBe(en[key])
      expect(placeholders(de[key]), key).toEqual(placeholders(en[key]))
    }
  })

  it('shows the server’s English message for a code it does not know yet', () => {
    setLanguage('de')
    const unknown = { ...problem('required', ''), code: 'something_new' } as unknown as ImportProblem
    expect(problemText(unknown)).toBe('English from the server')
  })
})

describe('planned visits on the organisation’s clock', () => {
  it('shows an instant as the wall-clock time in the organisation zone, whatever the browser’s', () => {
    expect(wallClock('2026-12-11T09:15:00Z', 'Europe/Berlin')).toBe('2026-12-11T10:15') // winter, +01:00
    expect(wallClock('2026-07-15T08:15:00Z', 'Europe/Berlin')).toBe('2026-07-15T10:15') // summer, +02:00
    expect(wallClock('2026-10-25T00:30:00Z', 'Europe/Berlin')).toBe('2026-10-25T02:30') // the repeated hour
    expect(wallClock('2026-12-10T23:00:00Z', 'Europe/Berlin')).toBe('2026-12-11T00:00')
    expect(wallClock('2026-12-11T09:15:00Z', 'America/New_York')).toBe('2026-12-11T04:15')
    expect(wallClock(null, 'Europe/Berlin')).toBe('')
  })
})
