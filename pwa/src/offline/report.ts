// What the day report is made of, read from this phone only (works offline): the rep's visits
// with their chips, note and the collateral shown, the leads (for names and follow-ups) and
// the signals sent with marketing's answers. The report itself is built in screens/report.ts.
import { allCollateral, allLeads, allSignals, outcomeCodes } from './content'
import { db, type CollateralView, type OutboxEntry } from './db'
import { VIEW_WINDOW_MS } from './outbox'
import type { LeadSync, OutcomeCodeSync, OutcomeLog, SignalKind } from './types'

/** One collateral item shown for a visit, with the pages seen (1-based, ascending). */
export interface Shown {
  collateralId: string
  /** null: no longer on the phone (removed since). */
  title: string | null
  pages: number[]
}

/** One visit the rep logged, from this phone or (as the server's history tells) another of theirs. */
export interface VisitRecord {
  id: string
  leadId: string
  code: string
  occurredAt: string
  details: string[]
  note: string
  shown: Shown[]
}

/** A signal the rep sent: `waiting` until the server has it; `rejected` if it refused it. */
export interface SignalRecord {
  id: string
  kind: SignalKind
  text: string
  occurredAt: string
  leadId: string | null
  status: 'waiting' | 'rejected' | 'open' | 'acknowledged'
  reply: string
}

export interface ReportSource {
  leads: LeadSync[]
  visits: VisitRecord[]
  signals: SignalRecord[]
  codes: OutcomeCodeSync[]
}

/** Everything the report needs for this user, from IndexedDB. */
export async function reportSource(userId: string): Promise<ReportSource> {
  const d = await db()
  const [leads, collateral, pulled, codes, locals, outbox, views] = await Promise.all([
    allLeads(),
    allCollateral(),
    allSignals(),
    outcomeCodes(),
    d.getAllFromIndex('outcomes', 'userId', userId),
    d.getAllFromIndex('outbox', 'userId', userId),
    d.getAll('views'),
  ])
  const titles = new Map(collateral.map((c) => [c.id, c.title]))
  const title = (id: string) => titles.get(id) ?? null
  const logs = new Map<string, OutcomeLog>()
  for (const e of outbox) if (e.mutation.type === 'outcome.log') logs.set(e.mutation.id, e.mutation)
  const amends = amendments(outbox)

  const visits = new Map<string, VisitRecord>()
  for (const lead of leads) {
    for (const h of lead.history) {
      if (h.rep_id !== userId) continue
      visits.set(h.id, { id: h.id, leadId: lead.id, code: h.code, occurredAt: h.occurred_at, details: [], note: h.note_excerpt, shown: [] })
    }
  }
  const mine = views.filter((v) => v.userId === userId)
  for (const o of locals) {
    if (o.retracted) {
      visits.delete(o.id)
      continue
    }
    const log = logs.get(o.id)
    const shown = log
      ? (log.collateral_viewed ?? []).map((v) => ({ collateralId: v.collateral_id, title: title(v.collateral_id), pages: v.pages ?? [] }))
      : shownBefore(mine, o.leadId, o.occurredAt).map((v) => ({ ...v, title: title(v.collateralId) }))
    visits.set(o.id, {
      id: o.id,
      leadId: o.leadId,
      code: log?.code ?? o.code,
      occurredAt: o.occurredAt,
      details: amends.get(o.id)?.details ?? log?.details ?? o.details ?? [],
      note: amends.get(o.id)?.note ?? log?.note ?? o.note ?? visits.get(o.id)?.note ?? '',
      shown,
    })
  }
  return { leads, visits: [...visits.values()], signals: signalRecords(pulled, outbox), codes }
}

/** Chips and notes added after the tap and not yet acknowledged (`outcome.amend`), the latest
 * per outcome; a field an amendment leaves out stays as it was. */
function amendments(outbox: OutboxEntry[]): Map<string, { details?: string[]; note?: string }> {
  const out = new Map<string, { details?: string[]; note?: string }>()
  for (const e of [...outbox].sort((a, b) => a.seq - b.seq)) {
    const m = e.mutation as { type: string; outcome_id?: string; details?: string[]; note?: string }
    if (m.type !== 'outcome.amend' || !m.outcome_id || e.status === 'rejected') continue
    const seen = out.get(m.outcome_id) ?? {}
    out.set(m.outcome_id, { details: m.details ?? seen.details, note: m.note ?? seen.note })
  }
  return out
}

/** The collateral shown for a lead in the window before a visit: what the tap attached to it. */
function shownBefore(views: CollateralView[], leadId: string, at: string): Omit<Shown, 'title'>[] {
  const end = Date.parse(at)
  const byId = new Map<string, Set<number>>()
  for (const v of views) {
    const t = Date.parse(v.at)
    if (v.leadId !== leadId || t > end || t < end - VIEW_WINDOW_MS) continue
    const pages = byId.get(v.collateralId) ?? new Set<number>()
    v.pages.forEach((p) => pages.add(p))
    byId.set(v.collateralId, pages)
  }
  return [...byId].map(([collateralId, pages]) => ({ collateralId, pages: [...pages].sort((a, b) => a - b) }))
}

function signalRecords(pulled: Awaited<ReturnType<typeof allSignals>>, outbox: OutboxEntry[]): SignalRecord[] {
  const out: SignalRecord[] = pulled.map((s) => ({
    id: s.id,
    kind: s.kind,
    text: s.text,
    occurredAt: s.occurred_at,
    leadId: s.lead_id,
    status: s.status,
    reply: s.reply,
  }))
  const known = new Set(out.map((s) => s.id))
  for (const e of outbox) {
    const m = e.mutation
    if (m.type !== 'signal.send' || known.has(m.id)) continue
    out.push({
      id: m.id,
      kind: m.kind,
      text: m.text,
      occurredAt: m.occurred_at ?? e.createdAt,
      leadId: m.lead_id ?? null,
      status: e.status === 'rejected' ? 'rejected' : 'waiting',
      reply: '',
    })
  }
  return out
}
