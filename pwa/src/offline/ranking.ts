import type { CampaignSync, CollateralSync } from './types'

/** The same rules as the server's app/insights/ranking.py: below this many shown visits a
 * group says nothing. */
export const MIN_SHOWN = 10

export interface Evidence {
  group: 'segment' | 'region' | 'campaign'
  value: string
  shown: number
  won: number
}

export interface RankedItem {
  item: CollateralSync
  recommended: boolean
  score: number
  /** How visits went when the item was shown to similar customers; null: too few to say. */
  evidence: Evidence | null
}

interface Customer {
  segment: string
  region: string
  campaign_id: string | null
  recommended_collateral_ids: string[]
}

/** The narrowest group of the lead (its segment, then region, then the campaign) in which the
 * item was shown at least MIN_SHOWN times. */
export function evidenceFor(campaign: CampaignSync | undefined, itemId: string, segment: string, region: string): Evidence | null {
  const all = campaign?.collateral_evidence ?? []
  const groups: [Evidence['group'], string][] = [
    ['segment', segment],
    ['region', region],
    ['campaign', ''],
  ]
  for (const [group, value] of groups) {
    if (group !== 'campaign' && !value) continue
    const found = all.find((e) => e.collateral_id === itemId && e.group === group && e.value === value)
    if (found && found.shown >= MIN_SHOWN) return { group, value, shown: found.shown, won: found.won }
  }
  return null
}

/** The won share shrunk toward the campaign average (the prior the server fitted); an item
 * without evidence scores the average itself. */
export function shrunk(campaign: CampaignSync | undefined, evidence: Evidence | null): number {
  const prior = campaign?.ranking_prior
  if (!prior) return 0
  if (!evidence) return prior.mean
  return (evidence.won + prior.mean * prior.strength) / (evidence.shown + prior.strength)
}

function forCustomer(item: CollateralSync, lead: Customer): boolean {
  return item.campaign_id === lead.campaign_id && (item.segments.length === 0 || item.segments.includes(lead.segment))
}

/**
 * A lead's collateral in the order to show it: marketing's recommendations first, in
 * marketing's order; then the rest of the campaign's items meant for the lead's segment, best
 * measured first, ties (and items without evidence) by title.
 */
export function rankCollateral(lead: Customer, campaign: CampaignSync | undefined, items: CollateralSync[]): RankedItem[] {
  const byId = new Map(items.map((c) => [c.id, c]))
  const seen = new Set<string>()
  const judge = (item: CollateralSync, recommended: boolean): RankedItem => {
    const evidence = evidenceFor(campaign, item.id, lead.segment, lead.region)
    return { item, recommended, score: shrunk(campaign, evidence), evidence }
  }
  const first: RankedItem[] = []
  for (const id of lead.recommended_collateral_ids) {
    const item = byId.get(id)
    if (item && !seen.has(id)) {
      seen.add(id)
      first.push(judge(item, true))
    }
  }
  const rest = items
    .filter((c) => !seen.has(c.id) && forCustomer(c, lead))
    .sort((a, b) => a.title.localeCompare(b.title) || a.id.localeCompare(b.id))
    .map((c) => judge(c, false))
    .sort((a, b) => b.score - a.score)
  return [...first, ...rest]
}
