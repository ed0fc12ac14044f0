// The day (or week) report a manager would ask for, built from the rep's taps alone:
// pure functions from what the phone holds (offline/report.ts) to a report and to its text.
import { chipLabel, t, type MessageKey } from '../i18n'
import { addDays, dayOf, NEXT_DAYS, weekStart } from '../offline/content'
import type { ReportSource, SignalRecord, VisitRecord } from '../offline/report'
import type { LeadSync, OutcomeCodeSync } from '../offline/types'
import { codeLabel, formatDay, formatTime, kindLabel } from './format'

export type Period = 'day' | 'week'

/** The code of the outcome that asks for another visit. */
export const FOLLOW_UP = 'follow_up'

export interface Place {
  leadId: string
  /** null: the lead is no longer on this phone (reassigned or removed). */
  company: string | null
  where: string
}

export interface ReportVisit extends VisitRecord, Place {}
export interface ReportSignal extends SignalRecord {
  company: string | null
}
/** A lead to visit again: planned in the coming days, or a follow-up without a date yet. */
export interface FollowUp extends Place {
  plannedAt: string | null
}

export interface Report {
  period: Period
  /** First local day of the period. */
  from: Date
  /** Local day after the period. */
  until: Date
  visits: ReportVisit[]
  /** Visits per outcome code, in the codes' order. */
  counts: [string, number][]
  followUps: FollowUp[]
  signals: ReportSignal[]
}

function place(leads: Map<string, LeadSync>, leadId: string): Place {
  const lead = leads.get(leadId)
  return { leadId, company: lead?.company ?? null, where: lead ? `${lead.postal_code} ${lead.city}`.trim() : '' }
}

function inPeriod(iso: string, from: Date, until: Date): boolean {
  const at = Date.parse(iso)
  return at >= from.getTime() && at < until.getTime()
}

/** The report of today or this week (Monday to Sunday), by the phone's local days. */
export function buildReport(src: ReportSource, period: Period, now: Date = new Date()): Report {
  const from = period === 'day' ? addDays(now, 0) : weekStart(now)
  const until = addDays(from, period === 'day' ? 1 : 7)
  const leads = new Map(src.leads.map((l) => [l.id, l]))
  const visits = src.visits
    .filter((v) => inPeriod(v.occurredAt, from, until))
    .sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt))
    .map((v) => ({ ...v, ...place(leads, v.leadId) }))
  const tally = new Map<string, number>()
  for (const v of visits) tally.set(v.code, (tally.get(v.code) ?? 0) + 1)
  const order = (code: string) => src.codes.find((c) => c.code === code)?.position ?? Number.MAX_SAFE_INTEGER
  const counts = [...tally].sort((a, b) => order(a[0]) - order(b[0]) || a[0].localeCompare(b[0]))
  const signals = src.signals
    .filter((s) => inPeriod(s.occurredAt, from, until))
    .sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt))
    .map((s) => ({ ...s, company: s.leadId ? (leads.get(s.leadId)?.company ?? null) : null }))
  return { period, from, until, visits, counts, followUps: followUps(src.leads, visits, now), signals }
}

/** Leads planned from tomorrow over the next days, by time; then this period's follow-up
 * visits whose lead has no visit planned after them ("no date yet"). */
function followUps(leads: LeadSync[], visits: ReportVisit[], now: Date): FollowUp[] {
  const first = dayOf(addDays(now, 1))
  const last = dayOf(addDays(now, NEXT_DAYS))
  const planned = leads
    .filter((l) => l.planned_visit_at && dayOf(l.planned_visit_at) >= first && dayOf(l.planned_visit_at) <= last)
    .sort((a, b) => Date.parse(a.planned_visit_at!) - Date.parse(b.planned_visit_at!))
  const out: FollowUp[] = planned.map((l) => ({ leadId: l.id, company: l.company, where: `${l.postal_code} ${l.city}`.trim(), plannedAt: l.planned_visit_at }))
  const listed = new Set(out.map((f) => f.leadId))
  const byId = new Map(leads.map((l) => [l.id, l]))
  for (const v of visits) {
    if (v.code !== FOLLOW_UP || listed.has(v.leadId)) continue
    const plan = byId.get(v.leadId)?.planned_visit_at
    if (plan && Date.parse(plan) > Date.parse(v.occurredAt)) continue // planned later: already listed or further out
    listed.add(v.leadId)
    out.push({ leadId: v.leadId, company: v.company, where: v.where, plannedAt: null })
  }
  return out
}

/** Pages as a reader writes them: [1, 2, 3, 5] -> "1–3, 5". */
export function pageRanges(pages: number[]): string {
  const sorted = [...new Set(pages)].sort((a, b) => a - b)
  const parts: string[] = []
  for (let i = 0; i < sorted.length; i++) {
    const start = sorted[i]!
    while (i + 1 < sorted.length && sorted[i + 1] === sorted[i]! + 1) i++
    parts.push(start === sorted[i] ? String(start) : `${start}–${sorted[i]}`)
  }
  return parts.join(', ')
}

// ---- the words, shared by the screen and the text ----

export function periodTitle(r: Report): string {
  if (r.period === 'day') return t('report.dayTitle', { day: formatDay(r.from, null) })
  const last = addDays(r.until, -1)
  return t('report.weekTitle', { from: formatDay(r.from, last), until: formatDay(last, null) })
}

export function countsLine(r: Report, codes: OutcomeCodeSync[]): string {
  const n = r.visits.length
  if (n === 0) return t('report.noVisits')
  const each = r.counts.map(([code, k]) => `${codeLabel(code, codes)} ${k}`).join(', ')
  return `${t(n === 1 ? 'report.oneVisit' : 'report.visits', { n })}: ${each}`
}

export function placeLine(p: Place): string {
  if (p.company === null) return t('report.leadGone')
  return p.where ? `${p.company}, ${p.where}` : p.company
}

export function outcomeLine(v: VisitRecord, codes: OutcomeCodeSync[]): string {
  const label = codeLabel(v.code, codes)
  return v.details.length ? `${label} (${v.details.map((d) => chipLabel(d)).join(', ')})` : label
}

export function shownLine(v: VisitRecord): string {
  return v.shown
    .map((s) => {
      const title = s.title ?? t('report.collateralGone')
      if (s.pages.length === 0) return title
      const key: MessageKey = s.pages.length === 1 ? 'report.page' : 'report.pages'
      return `${title} (${t(key, { pages: pageRanges(s.pages) })})`
    })
    .join('; ')
}

export function followUpWhen(f: FollowUp, r: Report): string {
  return f.plannedAt ? `${formatDay(f.plannedAt, r.from)}, ${formatTime(f.plannedAt)}` : t('report.noDate')
}

export function signalStatus(s: SignalRecord): string {
  if (s.status === 'waiting') return t('signals.waiting')
  if (s.status === 'rejected') return t('report.signalRejected')
  return t(`signals.status.${s.status}`)
}

/** The signal's own words, unless the rep typed none (then the kind stood in for them). */
export function signalWords(s: SignalRecord): string | null {
  return s.text && s.text !== kindLabel(s.kind) ? s.text : null
}

// ---- the text that is shared ----

function when(r: Report, iso: string): string {
  return r.period === 'day' ? formatTime(iso) : `${formatDay(iso, r.from)}, ${formatTime(iso)}`
}

function visitLines(v: ReportVisit, codes: OutcomeCodeSync[]): string[] {
  const lines = [`${formatTime(v.occurredAt)} ${placeLine(v)}`, `- ${t('report.outcome')}: ${outcomeLine(v, codes)}`]
  if (v.shown.length) lines.push(`- ${t('report.shown')}: ${shownLine(v)}`)
  if (v.note.trim()) lines.push(`- ${t('report.note')}: ${v.note.trim()}`)
  return lines
}

/** The report as plain text, for a message to the manager. `author`: the rep's name. */
export function reportText(r: Report, codes: OutcomeCodeSync[], author: string): string {
  const out = [periodTitle(r), author, countsLine(r, codes)]
  if (r.visits.length) {
    out.push('', t('report.visitsHeading'))
    let day = ''
    for (const v of r.visits) {
      if (r.period === 'week' && dayOf(v.occurredAt) !== day) {
        day = dayOf(v.occurredAt)
        out.push(`${formatDay(v.occurredAt, r.from)}:`)
      }
      out.push(...visitLines(v, codes))
    }
  }
  if (r.followUps.length) {
    out.push('', t('report.followUps'))
    for (const f of r.followUps) out.push(`- ${followUpWhen(f, r)}: ${placeLine(f)}`)
  }
  if (r.signals.length) {
    out.push('', t('report.signals'))
    for (const s of r.signals) {
      const about = s.company ? `, ${s.company}` : ''
      const words = signalWords(s)
      const reply = s.reply ? `; ${t('signals.reply', { text: t('report.quoted', { text: s.reply }) })}` : ''
      const said = words ? `: ${t('report.quoted', { text: words })}` : ''
      out.push(`- ${when(r, s.occurredAt)} ${kindLabel(s.kind)}${about}${said} (${signalStatus(s)}${reply})`)
    }
  }
  return out.join('\n')
}
