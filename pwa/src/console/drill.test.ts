// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { csvHref, figureFrom, visitsHref, xlsxHref } from './filters'

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
})
