import { describe, expect, it } from 'vitest'
import { parsePoke } from './push'
import { wordPoke } from './words'

describe('a notice of collateral answering an objection', () => {
  it('stays neutral in German, without the lead name the phone knows', () => {
    const one = parsePoke(JSON.stringify({ type: 'counter_collateral', target_id: 'l1', title: 'Material recommended for a lead', body: 'Open Strang to see it.', url: '/lead/l1', counts: { counter_collateral: 1 } }))
    expect(wordPoke(one, 'de', 'Bäckerei Sommer').title).toBe('Material für einen Lead empfohlen')
    const many = parsePoke(JSON.stringify({ type: 'counter_collateral', target_id: null, title: 'Material recommended for 3 leads', body: '', url: '/', counts: { counter_collateral: 3 } }))
    expect(wordPoke(many, 'de', null).title).toBe('Material für 3 Leads empfohlen')
  })
})
