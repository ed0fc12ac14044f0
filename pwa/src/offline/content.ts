// Read side for the screens: what the pull stored, shaped for display.
import { db } from './db'
import type { CampaignSync, CollateralSync, LeadSync, OutcomeCodeSync, SignalSync } from './types'

/** Local calendar day of an ISO time, as YYYY-MM-DD. */
export function dayOf(iso: string | Date): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
}

/** How many days after today the "Next days" part of Today covers. */
export const NEXT_DAYS = 7

/** Today's leads in the rep's order (see `groupForToday`). */
export interface TodayGroups {
  /** Planned today, by time (visited or not). */
  today: LeadSync[]
  /** Planned on one of the next `NEXT_DAYS` days, by time. */
  next: LeadSync[]
  /** Planned on an earlier day and not visited since: oldest first. */
  overdue: LeadSync[]
  /** Everything else (no plan, visited since the plan, planned later): by priority, then name. */
  rest: LeadSync[]
}

/** Local day `n` days after `d` (calendar days, so summer time changes do not shift it). */
export function addDays(d: Date, n: number): Date {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + n)
}

/**
 * Sorts leads into the parts of Today, by the phone's local days. `lastVisit` holds, per lead,
 * the time of the latest visit anyone logged (see `lastVisits`): a lead planned on an earlier
 * day is overdue only if nobody visited it on or after that day.
 */
export function groupForToday(leads: LeadSync[], lastVisit: ReadonlyMap<string, string>, now: Date = new Date()): TodayGroups {
  const today = dayOf(now)
  const horizon = dayOf(addDays(now, NEXT_DAYS))
  const groups: TodayGroups = { today: [], next: [], overdue: [], rest: [] }
  for (const lead of leads) {
    const planned = lead.planned_visit_at ? dayOf(lead.planned_visit_at) : null
    const visited = lastVisit.get(lead.id)
    if (planned === today) groups.today.push(lead)
    else if (planned && planned > today && planned <= horizon) groups.next.push(lead)
    else if (planned && planned < today && !(visited && dayOf(visited) >= planned)) groups.overdue.push(lead)
    else groups.rest.push(lead)
  }
  const byTime = (a: LeadSync, b: LeadSync) => Date.parse(a.planned_visit_at!) - Date.parse(b.planned_visit_at!) || byPriority(a, b)
  groups.today.sort(byTime)
  groups.next.sort(byTime)
  groups.overdue.sort(byTime)
  groups.rest.sort(byPriority)
  return groups
}

function byPriority(a: LeadSync, b: LeadSync): number {
  return a.priority - b.priority || a.company.localeCompare(b.company)
}

/** Per lead, the latest visit anyone logged for it (the server's history and this phone's taps). */
export async function lastVisits(userId: string, leads: LeadSync[]): Promise<Map<string, string>> {
  const latest = new Map<string, string>()
  const see = (leadId: string, at: string) => {
    const seen = latest.get(leadId)
    if (!seen || Date.parse(at) > Date.parse(seen)) latest.set(leadId, at)
  }
  for (const lead of leads) for (const h of lead.history) see(lead.id, h.occurred_at)
  for (const o of await myTaps(userId, leads)) see(o.leadId, o.occurredAt)
  return latest
}

/** Text as the phone's searches compare it: without accents and case ("Wärme" → "warme"). */
export function foldText(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
}

/** Case- and accent-insensitive search on company, city and postal code. */
export function matchesSearch(lead: LeadSync, query: string): boolean {
  const q = foldText(query.trim())
  if (!q) return true
  return [lead.company, lead.city, lead.postal_code].some((f) => foldText(f).includes(q))
}

/** The same search on a collateral item's title and tags. */
export function matchesCollateral(item: CollateralSync, query: string): boolean {
  const q = foldText(query.trim())
  if (!q) return true
  return [item.title, ...(item.tags ?? [])].some((f) => foldText(f).includes(q))
}

/** Past its valid-until day on this phone's calendar: the next pull removes it; until then
 * (offline) the phone no longer offers it. */
export function isExpired(item: CollateralSync, now: Date = new Date()): boolean {
  return !!item.valid_until && item.valid_until < dayOf(now)
}

/** The collateral to browse: not expired, by title in the rep's language's order. */
export function libraryItems(items: CollateralSync[], query: string, now: Date = new Date()): CollateralSync[] {
  return items.filter((c) => !isExpired(c, now) && matchesCollateral(c, query)).sort((a, b) => a.title.localeCompare(b.title))
}

export async function allLeads(): Promise<LeadSync[]> {
  return (await db()).getAll('leads')
}
export async function getLead(id: string): Promise<LeadSync | undefined> {
  return (await db()).get('leads', id)
}
export async function getCampaign(id: string | null): Promise<CampaignSync | undefined> {
  return id ? (await db()).get('campaigns', id) : undefined
}
export async function getCollateral(id: string): Promise<CollateralSync | undefined> {
  return (await db()).get('collateral', id)
}
export async function allCollateral(): Promise<CollateralSync[]> {
  return (await db()).getAll('collateral')
}
export async function outcomeCodes(): Promise<OutcomeCodeSync[]> {
  return ((await db()).getAll('outcome_codes')).then((c) => c.filter((x) => x.active).sort((a, b) => a.position - b.position))
}
export async function allSignals(): Promise<SignalSync[]> {
  return ((await db()).getAll('signals')).then((s) => s.sort((a, b) => b.occurred_at.localeCompare(a.occurred_at)))
}

/** One visit the rep logged: an outcome, from this phone or another of theirs. */
export interface Tap {
  id: string
  leadId: string
  code: string
  occurredAt: string
}

/**
 * This user's taps, each once: those logged on this phone (synced or not) and, from the
 * histories of `leads` (as the screen already read them), those of the same rep's other phones.
 * An Undo here takes a tap out at once, before the server's history hears of it.
 */
async function myTaps(userId: string, leads: LeadSync[]): Promise<Tap[]> {
  const d = await db()
  const taps = new Map<string, Tap>()
  for (const lead of leads) {
    for (const h of lead.history) {
      if (h.rep_id === userId) taps.set(h.id, { id: h.id, leadId: lead.id, code: h.code, occurredAt: h.occurred_at })
    }
  }
  for (const o of await d.getAllFromIndex('outcomes', 'userId', userId)) {
    if (o.retracted) taps.delete(o.id)
    else taps.set(o.id, { id: o.id, leadId: o.leadId, code: o.code, occurredAt: o.occurredAt })
  }
  return [...taps.values()]
}

/** Which of `leads` (and of this phone's) this user logged an outcome for today, on any of
 * their phones, with its code. */
export async function loggedToday(userId: string, leads: LeadSync[], now: Date = new Date()): Promise<Map<string, string>> {
  const today = dayOf(now)
  const out = new Map<string, string>()
  for (const o of await myTaps(userId, leads)) if (dayOf(o.occurredAt) === today) out.set(o.leadId, o.code)
  return out
}

/** The visits this user logged today for `lead`, on any of their phones, earliest first. */
export async function visitsToday(userId: string, lead: LeadSync, now: Date = new Date()): Promise<Tap[]> {
  const today = dayOf(now)
  return (await myTaps(userId, [lead]))
    .filter((o) => o.leadId === lead.id && dayOf(o.occurredAt) === today)
    .sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt))
}

export interface Summary {
  today: Record<string, number>
  week: Record<string, number>
  todayTotal: number
  weekTotal: number
}

/** Start of the local ISO week (Monday 00:00). */
export function weekStart(now: Date): Date {
  const d = new Date(now.getFullYear(), now.getMonth(), now.getDate())
  d.setDate(d.getDate() - ((d.getDay() + 6) % 7))
  return d
}

/** Today's and this week's outcomes by code, of all this user's phones. */
export async function daySummary(userId: string, now: Date = new Date()): Promise<Summary> {
  const today = dayOf(now)
  const monday = weekStart(now).getTime()
  const s: Summary = { today: {}, week: {}, todayTotal: 0, weekTotal: 0 }
  for (const o of await myTaps(userId, await allLeads())) {
    const at = Date.parse(o.occurredAt)
    if (at >= monday) {
      s.week[o.code] = (s.week[o.code] ?? 0) + 1
      s.weekTotal++
    }
    if (dayOf(o.occurredAt) === today) {
      s.today[o.code] = (s.today[o.code] ?? 0) + 1
      s.todayTotal++
    }
  }
  return s
}

// ---- drafts: nothing typed is ever lost ----

export async function readDraft(userId: string, key: string): Promise<string> {
  const row = await (await db()).get('drafts', `${userId}:${key}`)
  return row?.text ?? ''
}
export async function saveDraft(userId: string, key: string, text: string): Promise<void> {
  const d = await db()
  if (text === '') await d.delete('drafts', `${userId}:${key}`)
  else await d.put('drafts', { key: `${userId}:${key}`, userId, text, updatedAt: new Date().toISOString() })
}
