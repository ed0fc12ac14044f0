// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest'
import { setLanguage } from '../i18n'
import { csvHref, defaultSeparator, filtersFrom, xlsxHref } from './filters'
import { ct, fmtPct, fmtPeriod, fmtPoints } from './i18n'
import { de } from './i18n/de'
import { en } from './i18n/en'
import { currentLoc, href, match } from './nav'

afterEach(() => setLanguage('en'))

describe('dashboard filters in the URL', () => {
  it('reads only known, non-empty filters', () => {
    const q = new URLSearchParams('from=2026-01-01&region=South&segment=&foo=bar&rep_id=r1')
    expect(filtersFrom(q)).toEqual({ from: '2026-01-01', region: 'South', rep_id: 'r1' })
  })

  it('builds the export links with the same filters, language and separator', () => {
    expect(csvHref({ region: 'Süd', campaign_id: 'c1' }, 'semicolon', 'de')).toBe(
      '/api/v1/insights/outcomes.csv?campaign_id=c1&region=S%C3%BCd&lang=de&delimiter=semicolon',
    )
    expect(csvHref({}, 'comma', 'en')).toBe('/api/v1/insights/outcomes.csv?lang=en&delimiter=comma')
    expect(xlsxHref({ from: '2026-01-01' }, 'de')).toBe('/api/v1/insights/outcomes.xlsx?from=2026-01-01&lang=de')
  })

  it('separates CSV cells as the Excel of the console language expects', () => {
    expect(defaultSeparator('de')).toBe('semicolon')
    expect(defaultSeparator('en')).toBe('comma')
  })
})

describe('console router', () => {
  it('makes console links and drops empty query values', () => {
    expect(href('/')).toBe('/console/')
    expect(href('/leads', { q: 'bäcker', region: '', offset: undefined })).toBe('/console/leads?q=b%C3%A4cker')
  })

  it('matches paths with parameters', () => {
    expect(match('/campaigns/:id', '/campaigns/abc')).toEqual({ id: 'abc' })
    expect(match('/campaigns/:id', '/campaigns')).toBeNull()
  })

  it('reads the location relative to /console', () => {
    history.replaceState(null, '', '/console/leads/?q=x')
    expect(currentLoc().path).toBe('/leads')
    expect(currentLoc().query.get('q')).toBe('x')
    history.replaceState(null, '', '/console/')
    expect(currentLoc().path).toBe('/')
  })
})

describe('console strings', () => {
  it('has every key in German', () => {
    expect(Object.keys(de).sort()).toEqual(Object.keys(en).sort())
    expect(Object.values(de).every((v) => v.trim() !== '')).toBe(true)
  })

  it('formats shares and lifts per language', () => {
    expect(fmtPct(0.25)).toBe('25.0 %')
    expect(fmtPoints(0.05)).toBe('+5.0 pp')
    expect(fmtPct(null)).toBe('—')
    setLanguage('de')
    expect(fmtPct(0.25)).toBe('25,0 %')
    expect(ct('dash.visits')).toBe('Besuche')
  })
})

describe('campaign periods', () => {
  it('shows both ends, one open end, or a dash', () => {
    setLanguage('de')
    expect(fmtPeriod('2026-03-01', '2026-04-30')).toBe('1. März 2026 – 30. Apr. 2026')
    expect(fmtPeriod('2026-03-01', null)).toBe('ab 1. März 2026')
    expect(fmtPeriod(null, '2026-04-30')).toBe('bis 30. Apr. 2026')
    expect(fmtPeriod(null, null)).toBe(ct('common.none'))
  })
})
