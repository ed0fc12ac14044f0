// Shapes of the sync API as the phone stores them (mirrors app/sync/schemas.py).
// Kept by hand while the sync routes are not yet in the generated schema.

export interface CampaignSync {
  id: string
  name: string
  key_message: string
  talking_points_html: string
  starts_on: string | null
  ends_on: string | null
  updated_at: string
}

export interface CollateralSync {
  id: string
  campaign_id: string
  kind: string
  title: string
  description: string
  segments: string[]
  url: string | null
  file_url: string | null
  sha256: string | null
  content_type: string | null
  size: number | null
  filename: string | null
  version: number
  replaces_id: string | null
  updated_at: string
}

export interface HistoryItem {
  code: string
  occurred_at: string
  rep_name: string
  note_excerpt: string
}

export interface LeadSync {
  id: string
  company: string
  contact_name: string
  contact_role: string
  phone: string
  email: string
  street: string
  postal_code: string
  city: string
  country: string
  region: string
  segment: string
  campaign_id: string | null
  planned_visit_at: string | null
  priority: number
  brief_html: string
  recommended_collateral_ids: string[]
  history: HistoryItem[]
  updated_at: string
}

export interface OutcomeCodeSync {
  code: string
  label_en: string
  label_de: string
  sentiment: string
  details: string[]
  position: number
  active: boolean
}

export type SignalKind = 'need_material' | 'competitor' | 'price_pressure' | 'customer_wish' | 'other'
export const SIGNAL_KINDS: SignalKind[] = ['need_material', 'competitor', 'price_pressure', 'customer_wish', 'other']

export interface SignalSync {
  id: string
  kind: SignalKind
  lead_id: string | null
  campaign_id: string | null
  text: string
  created_at: string
  status: string
  acknowledged_at: string | null
  reply: string
}

export interface PullResponse {
  cursor: string
  has_more: boolean
  reset?: boolean
  changes: {
    campaigns?: CampaignSync[]
    collateral?: CollateralSync[]
    leads?: LeadSync[]
    outcome_codes?: OutcomeCodeSync[]
    signals?: SignalSync[]
  }
  removed: { campaigns?: string[]; collateral?: string[]; leads?: string[] }
}

export interface CollateralViewed {
  collateral_id: string
  seconds: number
  pages: number[]
}

export interface OutcomeLog {
  type: 'outcome.log'
  id: string
  seq: number
  lead_id: string
  code: string
  occurred_at: string
  details: string[]
  note: string
  collateral_viewed: CollateralViewed[]
  collateral_fit: { collateral_id: string; fit: 'up' | 'down' }[]
}

export interface OutcomeRetract {
  type: 'outcome.retract'
  id: string
  seq: number
  outcome_id: string
}

export interface SignalSend {
  type: 'signal.send'
  id: string
  seq: number
  kind: SignalKind
  lead_id: string | null
  campaign_id: string | null
  text: string
}

export type Mutation = OutcomeLog | OutcomeRetract | SignalSend

export interface MutationResult {
  id: string | null
  status: 'applied' | 'duplicate' | 'rejected'
  reason?: string | null
  detail?: string | null
  flags?: string[]
}

export interface PushResponse {
  results: MutationResult[]
}
