// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { csvHref, figureFrom, visitsHref, weekFilters, xlsxHref } from './filters'

describe('the drill-down in the URL', () => {
  it('reads only the figure keys, non-empty', () => {
    const q = new URLSearchParams('code=won&chip=&collateral_id=c9&region=South&foo=1')
    expect(figureFrom(q)).toEqual({ code: 'won', collateral_id: 'c9' })
  })

  it('opens a figure with its filters and figure', () => {
    expect(visitsHref({ from: '2026-10-01', region: 'Süd' }, { chip: 'price' })).toBe('/console/visits?from=2026-10-01&region=S%C3%BCd&chip=price')
    expect(visitsHref({})).toBe('/console/visits')
  })

  it('exports exactly the visits on screen: the filters and the figure', () => {
    const shown = { campaign_id: 'c1', code: 'won', collateral_id: 'k2' }
    expect(csvHref(shown, 'comma', 'en')).toBe('/api/v1/insights/outcomes.csv?campaign_id=c1&code=won&collateral_id=k2&lang=en&delimiter=comma')
    expect(xlsxHref({ chip: 'price' }, 'de')).toBe('/api/v1/insights/outcomes.xlsx?chip=price&lang=de')
  })

  it('opens a bar of the trend as its week, cut to the period shown', () => {
    const period = { from: '2026-10-01', to: '2026-10-20' }
    expect(weekFilters({ region: 'North' }, '2026-10-05', period)).toEqual({ region: 'North', from: '2026-10-05', to: '2026-10-11' })
    expect(weekFilters({}, '2026-09-28', period)).toEqual({ from: '2026-10-01', to: '2026-10-04' })
    expect(weekFilters({}, '2026-10-19', period)).toEqual({ from: '2026-10-19', to: '2026-10-20' })
    expect(weekFilters({}, '2026-12-28', { from: '2026-12-01', to: '2027-01-31' })).toEqual({ from: '2026-12-28', to: '2027-01-03' })
  })
})
