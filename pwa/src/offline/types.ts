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

// Mutations, as the push documents them (`app/sync/schemas.py`). The phone always numbers what
// it sends, so `seq` is required here although older phones may leave it out.
type Sent<T> = Omit<T, 'seq'> & { seq: number }

export type CollateralViewed = Schemas['CollateralViewed']
export type OutcomeLog = Sent<Schemas['OutcomeLog']>
export type OutcomeRetract = Sent<Schemas['OutcomeRetract']>
/** Chips or a note added after the tap to an outcome the server may hold already (a field left out stays). */
export type OutcomeAmend = Sent<Schemas['OutcomeAmend']>
/** The day of the next visit to a lead (YYYY-MM-DD); the server keeps its time of day, else 09:00. */
export type LeadPlan = Sent<Schemas['LeadPlan']>
export type SignalSend = Sent<Schemas['SignalSend']>
/** A link to collateral for a lead's customer; the phone makes the token and keeps it (the server keeps its hash). */
export type ShareCreate = Sent<Schemas['ShareCreate']>
export type ShareRevoke = Sent<Schemas['ShareRevoke']>
export type ShareSummary = Schemas['ShareSummary']

export type Mutation = OutcomeLog | OutcomeRetract | OutcomeAmend | LeadPlan | SignalSend | ShareCreate | ShareRevoke
