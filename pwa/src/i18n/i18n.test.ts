// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest'
import { de } from './de'
import { en } from './en'
import { chipLabel, getLanguage, initLanguage, onLanguageChange, pickLanguage, setLanguage, t } from '.'

describe('pickLanguage', () => {
  it('follows the browser when nothing is stored', () => {
    expect(pickLanguage(['de-DE', 'en-US'])).toBe('de')
    expect(pickLanguage(['de_AT'])).toBe('de')
    expect(pickLanguage(['fr-FR', 'de-CH', 'en'])).toBe('de')
    expect(pickLanguage(['en-GB', 'de'])).toBe('en')
  })

  it('falls back to English', () => {
    expect(pickLanguage(['fr-FR', 'it'])).toBe('en')
    expect(pickLanguage([])).toBe('en')
  })

  it('prefers a stored choice, ignoring unknown values', () => {
    expect(pickLanguage(['en-US'], 'de')).toBe('de')
    expect(pickLanguage(['de-DE'], 'en')).toBe('en')
    expect(pickLanguage(['de-DE'], 'xx')).toBe('de')
  })
})

describe('switching', () => {
  beforeEach(() => localStorage.clear())

  it('remembers the choice, updates <html lang> and tells subscribers', () => {
    const seen: string[] = []
    const off = onLanguageChange((l) => seen.push(l))
    setLanguage('de')
    off()
    expect(getLanguage()).toBe('de')
    expect(document.documentElement.lang).toBe('de')
    expect(seen).toEqual(['de'])
    expect(t('login.submit')).toBe('Anmelden')
    // the next start keeps the choice even though the browser says English
    expect(initLanguage()).toBe('de')
    setLanguage('en')
    expect(t('login.submit')).toBe('Log in')
  })
})

describe('catalogs', () => {
  it('fills placeholders', () => {
    expect(t('login.tooManyOther', { n: 5 }, 'en')).toBe('Too many attempts, try again in 5 minutes.')
    expect(t('today.greeting', { name: 'Jana' }, 'de')).toBe('Hallo, Jana')
  })

  it('has every English key in German, with the same placeholders', () => {
    const holes = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(de[key], key).toBeTruthy()
      expect(holes(de[key]), key).toEqual(holes(en[key]))
    }
  })
})

describe('chipLabel', () => {
  it('names the default objection chips in each language', () => {
    expect(chipLabel('no_decision_maker', 'en')).toBe('No decision maker')
    expect(chipLabel('no_need', 'de')).toBe('Kein Bedarf')
    expect(chipLabel('price', 'de')).toBe('Preis')
  })

  it('reads a chip added later as its code with spaces', () => {
    expect(chipLabel('budget_freeze', 'de')).toBe('budget freeze')
  })
})
