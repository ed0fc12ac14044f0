// Shapes of the sync API as the phone stores them, from the service's generated schema
// (`src/api/schema.d.ts`, regenerated with `npm run gen:api`), so a server change that the
// phone would notice breaks the type check instead of the app.
import type { components } from '../api/schema'

type Schemas = components['schemas']

export type CampaignSync = Schemas['CampaignSync']
export type CollateralSync = Schemas['CollateralSync']
export type HistoryItem = Schemas['HistoryItem']
export type LeadSync = Schemas['LeadSync']
export type OutcomeCodeSync = Schemas['OutcomeCodeSync']
export type SignalSync = Schemas['SignalSync']
export type SignalKind = Schemas['SignalKind']
export type PullResponse = Schemas['PullResponse']
export type MutationResult = Schemas['MutationResult']
export type PushResponse = Schemas['PushResponse']

/** Every kind, in the order the signal screen offers them (the type check keeps the list complete). */
export const SIGNAL_KINDS = ['need_material', 'competitor', 'price_pressure', 'customer_wish', 'other'] as const satisfies readonly SignalKind[]
type MissingKind = Exclude<SignalKind, (typeof SIGNAL_KINDS)[number]>
const _allKinds: [MissingKind] extends [never] ? true : MissingKind = true
void _allKinds

// Mutations: the server takes `mutations` as plain objects and checks each one itself (so one
// malformed mutation gets its own reason), so the schema has no types for them; these mirror
// `app/sync/schemas.py` (OutcomeLog, OutcomeRetract, OutcomeAmend, LeadPlan, SignalSend).

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

/** Chips or a note added after the tap to an outcome the server may hold already (a field left out stays). */
export interface OutcomeAmend {
  type: 'outcome.amend'
  id: string
  seq: number
  outcome_id: string
  details?: string[]
  note?: string
}

/** The day of the next visit to a lead (YYYY-MM-DD); the server keeps its time of day, else 09:00. */
export interface LeadPlan {
  type: 'lead.plan'
  id: string
  seq: number
  lead_id: string
  planned_on: string
}

export interface SignalSend {
  type: 'signal.send'
  id: string
  seq: number
  kind: SignalKind
  lead_id: string | null
  campaign_id: string | null
  text: string
  /** The tap. Signals queued by an older version of the app lack it (the server then uses its arrival). */
  occurred_at?: string
}

export type Mutation = OutcomeLog | OutcomeRetract | OutcomeAmend | LeadPlan | SignalSend
