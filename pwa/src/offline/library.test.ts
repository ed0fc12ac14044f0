import { describe, expect, it } from 'vitest'
import { foldText, isExpired, libraryItems, matchesCollateral, matchesSearch } from './content'
import type { CollateralSync, LeadSync } from './types'

function item(id: string, title: string, tags: string[] = [], validUntil: string | null = null): CollateralSync {
  return { id, title, tags, valid_until: validUntil, kind: 'pdf' } as CollateralSync
}

// Thursday 10 December 2026, late evening on the phone's clock.
const now = new Date(2026, 11, 10, 23, 30)

describe('collateral search on the phone', () => {
  const heat = item('heat', 'Wärmepumpen-Broschüre', ['Förderung', 'Heizung'])
  const grant = item('grant', 'KfW Grants', ['Zuschuss'])

  it('finds a title or a tag without accents or case', () => {
    expect(matchesCollateral(heat, 'warmepumpe')).toBe(true)
    expect(matchesCollateral(heat, 'BROSCHURE')).toBe(true)
    expect(matchesCollateral(heat, 'forderung')).toBe(true)
    expect(matchesCollateral(heat, '  heiz ')).toBe(true)
    expect(matchesCollateral(grant, 'förderung')).toBe(false)
    expect(matchesCollateral(grant, '')).toBe(true)
  })

  it('folds text exactly as the lead search does', () => {
    const lead = { company: 'Bäckerei Müller', city: 'Köln', postal_code: '50667' } as LeadSync
    for (const q of ['muller', 'MÜLLER', 'koln', 'Bäck']) {
      expect(matchesSearch(lead, q)).toBe(foldText('Bäckerei Müller Köln').includes(foldText(q)))
    }
    expect(foldText('Förder MITTEL')).toBe('forder mittel')
  })

  it('no longer offers an item past its valid-until day, even before the next sync', () => {
    const today = item('today', 'Valid today', [], '2026-12-10')
    const yesterday = item('yesterday', 'Valid yesterday', [], '2026-12-09')
    expect(isExpired(today, now)).toBe(false)
    expect(isExpired(yesterday, now)).toBe(true)
    expect(isExpired(today, new Date(2026, 11, 11, 0, 5))).toBe(true)
    const shown = libraryItems([yesterday, heat, today, grant], '', now)
    expect(shown.map((c) => c.id)).toEqual(['grant', 'today', 'heat'])
    expect(libraryItems([yesterday, heat, today, grant], 'valid', now).map((c) => c.id)).toEqual(['today'])
  })
})
