// Collateral recommended because the lead raised an objection it answers (the server stores the
// reason when the visit logging it arrives). Marketing's own recommendations stay first.
import type { LeadSync } from './types'

export type Reason = LeadSync['recommendation_reasons'][number]
type WithReasons = Pick<LeadSync, 'recommended_collateral_ids'> & { recommendation_reasons?: Reason[] }

/** The lead with its answering items after marketing's recommendations, each item once (a lead
 * synced before reasons existed has none). */
export function withCounters<L extends WithReasons>(lead: L): L {
  const ids = [...lead.recommended_collateral_ids, ...(lead.recommendation_reasons ?? []).map((r) => r.collateral_id)]
  return { ...lead, recommended_collateral_ids: [...new Set(ids)] }
}

export function reasonFor(lead: WithReasons, collateralId: string): Reason | undefined {
  return (lead.recommendation_reasons ?? []).find((r) => r.collateral_id === collateralId)
}

/** The phone's calendar day of an instant, as YYYY-MM-DD. */
export function localDay(iso: string): string {
  const d = new Date(iso)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

/** Was the objection said at the last visit the phone knows of (none on a later day)? */
export function saidAtLastVisit(reason: Reason, history: { occurred_at: string }[]): boolean {
  return !history.some((h) => localDay(h.occurred_at) > reason.said_on)
}
