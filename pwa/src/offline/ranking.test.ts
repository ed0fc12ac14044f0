import { describe, expect, it } from 'vitest'
import { evidenceFor, MIN_SHOWN, rankCollateral, shrunk } from './ranking'
import type { CampaignSync, CollateralSync } from './types'

const item = (id: string, title: string, extra: Partial<CollateralSync> = {}): CollateralSync =>
  ({ id, title, campaign_id: 'c1', kind: 'pdf', segments: [], tags: [], ...extra }) as CollateralSync

type Row = CampaignSync['collateral_evidence'][number]
const campaign = (evidence: Row[], mean = 0.2, strength = 10): CampaignSync =>
  ({ id: 'c1', name: 'Spring', collateral_evidence: evidence, ranking_prior: { mean, strength } }) as unknown as CampaignSync
const row = (collateral_id: string, group: Row['group'], value: string, shown: number, won: number): Row => ({ collateral_id, group, value, shown, won })

const lead = { segment: 'Retail', region: 'North', campaign_id: 'c1', recommended_collateral_ids: [] as string[] }

describe('next-best collateral on the phone', () => {
  it('shrinks toward the campaign average: 2 of 2 does not beat 30 of 60', () => {
    const c = campaign([row('a', 'campaign', '', 2, 2), row('b', 'campaign', '', 60, 30)])
    // (30 + 0.2 * 10) / (60 + 10) = 32 / 70; two visits are too few to be evidence at all
    expect(shrunk(c, evidenceFor(c, 'b', 'Retail', 'North'))).toBeCloseTo(32 / 70, 10)
    expect(evidenceFor(c, 'a', 'Retail', 'North')).toBeNull()
    const ranked = rankCollateral(lead, c, [item('a', 'A'), item('b', 'B')])
    expect(ranked.map((r) => r.item.id)).toEqual(['b', 'a'])
    expect(ranked[1]!.score).toBe(0.2)
  })

  it('backs off from the segment to the region to the campaign', () => {
    const c = campaign([
      row('x', 'segment', 'Retail', MIN_SHOWN, 5),
      row('x', 'campaign', '', 40, 10),
      row('y', 'segment', 'Retail', MIN_SHOWN - 1, 9),
      row('y', 'region', 'North', 14, 6),
      row('z', 'region', 'South', 20, 10),
      row('z', 'campaign', '', 52, 14),
    ])
    expect(evidenceFor(c, 'x', 'Retail', 'North')).toEqual({ group: 'segment', value: 'Retail', shown: 10, won: 5 })
    expect(evidenceFor(c, 'y', 'Retail', 'North')).toEqual({ group: 'region', value: 'North', shown: 14, won: 6 })
    expect(evidenceFor(c, 'z', 'Retail', 'North')).toEqual({ group: 'campaign', value: '', shown: 52, won: 14 })
    expect(evidenceFor(c, 'x', '', 'North')?.group).toBe('campaign')
  })

  it("puts marketing's recommendations first, in marketing's order, then the best measured", () => {
    const c = campaign([row('good', 'segment', 'Retail', 50, 25), row('poor', 'segment', 'Retail', 50, 2), row('r2', 'segment', 'Retail', 50, 40)])
    const items = [item('poor', 'Poor'), item('good', 'Good'), item('r1', 'Zed'), item('r2', 'Yak'), item('new', 'New')]
    const ranked = rankCollateral({ ...lead, recommended_collateral_ids: ['r1', 'r2', 'gone'] }, c, items)
    expect(ranked.map((r) => r.item.id)).toEqual(['r1', 'r2', 'good', 'new', 'poor'])
    expect(ranked.map((r) => r.recommended)).toEqual([true, true, false, false, false])
    expect(ranked[1]!.evidence).toEqual({ group: 'segment', value: 'Retail', shown: 50, won: 40 })
  })

  it("keeps other campaigns' items and items meant for other segments out, unless recommended", () => {
    const items = [item('mine', 'Mine'), item('other', 'Other', { campaign_id: 'c2' }), item('crafts', 'Crafts', { segments: ['Crafts'] }), item('retail', 'Retail', { segments: ['Retail'] })]
    expect(rankCollateral(lead, campaign([]), items).map((r) => r.item.id)).toEqual(['mine', 'retail'])
    expect(rankCollateral({ ...lead, recommended_collateral_ids: ['other'] }, campaign([]), items).map((r) => r.item.id)).toEqual(['other', 'mine', 'retail'])
  })

  it('without evidence or prior keeps the order by title', () => {
    const items = [item('b', 'beta'), item('a', 'Alpha'), item('c', 'gamma')]
    expect(rankCollateral(lead, undefined, items).map((r) => r.item.id)).toEqual(['a', 'b', 'c'])
  })
})
