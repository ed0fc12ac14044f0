import { describe, expect, it } from 'vitest'
import { localDay, reasonFor, saidAtLastVisit, withCounters } from './counters'

const reason = (collateral_id: string, objection: string, said_on: string) => ({ collateral_id, objection, said_on })

describe('collateral answering an objection', () => {
  it('comes after marketing recommendations, each item once', () => {
    const lead = { id: 'l1', recommended_collateral_ids: ['a', 'b'], recommendation_reasons: [reason('c', 'price', '2026-12-03'), reason('b', 'timing', '2026-12-01')] }
    expect(withCounters(lead).recommended_collateral_ids).toEqual(['a', 'b', 'c'])
    expect(withCounters(lead).id).toBe('l1')
    expect(lead.recommended_collateral_ids).toEqual(['a', 'b']) // not changed in place
    expect(reasonFor(lead, 'b')?.objection).toBe('timing')
    expect(reasonFor(lead, 'a')).toBeUndefined()
  })

  it('reads a lead synced before reasons existed as having none', () => {
    const lead = { recommended_collateral_ids: ['a'] }
    expect(withCounters(lead).recommended_collateral_ids).toEqual(['a'])
    expect(reasonFor(lead, 'a')).toBeUndefined()
  })

  it('says "at last visit" only when no later visit is known', () => {
    const said = reason('c', 'price', '2026-12-03')
    const at = (day: number, hour = 10) => new Date(2026, 11, day, hour).toISOString()
    expect(localDay(at(3, 23))).toBe('2026-12-03')
    expect(saidAtLastVisit(said, [])).toBe(true)
    expect(saidAtLastVisit(said, [{ occurred_at: at(3) }, { occurred_at: at(1) }])).toBe(true)
    expect(saidAtLastVisit(said, [{ occurred_at: at(5) }, { occurred_at: at(3) }])).toBe(false)
  })
})
