import 'fake-indexeddb/auto'
import { beforeEach, describe, expect, it } from 'vitest'
import { groupForToday, lastVisits, matchesSearch } from './content'
import { db, openStrangDB, useDatabase } from './db'
import { logOutcome, undoOutcome } from './outbox'
import type { LeadSync } from './types'

let n = 0
beforeEach(() => {
  useDatabase(openStrangDB(`today-test-${++n}`))
})

// Wednesday 4 March 2026, noon, on the phone's clock (local days, whatever the zone).
const now = new Date(2026, 2, 4, 12, 0)
const at = (day: number, h: number, m = 0) => new Date(2026, 2, day, h, m).toISOString()

function lead(id: string, planned: string | null, priority = 3, extra: Partial<LeadSync> = {}): LeadSync {
  return {
    id,
    company: `Company ${id}`,
    planned_visit_at: planned,
    priority,
    city: 'Hamburg',
    postal_code: '20095',
    history: [],
    ...extra,
  } as LeadSync
}

const ids = (leads: LeadSync[]) => leads.map((l) => l.id)

describe('Today in parts', () => {
  it("orders today's visits by time, then the next days by date and time, then the rest by priority", () => {
    const leads = [
      lead('today-late', at(4, 23, 30), 5),
      lead('rest-p2', null, 2),
      lead('tomorrow-early', at(5, 0, 10), 5),
      lead('today-early', at(4, 8, 0), 5),
      lead('in-7-days', at(11, 9), 1),
      lead('in-8-days', at(12, 9), 1),
      lead('rest-p1', null, 1),
      lead('today-past', at(4, 9, 30), 1),
      lead('in-3-days', at(7, 8), 4),
    ]
    const g = groupForToday(leads, new Map(), now)
    expect(ids(g.today)).toEqual(['today-early', 'today-past', 'today-late'])
    expect(ids(g.next)).toEqual(['tomorrow-early', 'in-3-days', 'in-7-days'])
    expect(ids(g.overdue)).toEqual([])
    // planned further out than the next days: with the rest, by priority (then name)
    expect(ids(g.rest)).toEqual(['in-8-days', 'rest-p1', 'rest-p2'])
  })

  it('calls a lead planned on an earlier day overdue until someone visits it on or after that day', () => {
    const leads = [
      lead('missed-yesterday', at(3, 10)),
      lead('missed-last-week', at(25 - 28, 10)), // 25 Feb
      lead('visited-after-plan', at(2, 10)),
      lead('visited-before-plan', at(2, 10)),
      lead('visited-same-day-earlier', at(3, 15)),
    ]
    const last = new Map([
      ['visited-after-plan', at(3, 9)],
      ['visited-before-plan', at(1, 9)],
      ['visited-same-day-earlier', at(3, 8)], // the same day counts: the plan's hour is a guess
    ])
    const g = groupForToday(leads, last, now)
    expect(ids(g.overdue)).toEqual(['missed-last-week', 'visited-before-plan', 'missed-yesterday'])
    expect(ids(g.rest)).toEqual(['visited-after-plan', 'visited-same-day-earlier'])
  })

  it('searches every part, ignoring case and accents', () => {
    const muller = lead('m', at(5, 9), 1, { company: 'Bäckerei Müller', city: 'München', postal_code: '80331' })
    expect(['muller', 'MÜNCHEN', 'munchen', '8033', 'backerei'].every((q) => matchesSearch(muller, q))).toBe(true)
    expect(matchesSearch(muller, 'Hamburg')).toBe(false)
  })
})

describe('last visits', () => {
  it("take the latest of the server's history and this phone's taps, and forget a tap taken back", async () => {
    const history = [{ id: 'h1', rep_id: 'u2', code: 'won', occurred_at: at(2, 9), rep_name: 'Lena', note_excerpt: '' }]
    const a = lead('a', null, 1, { history })
    const b = lead('b', null, 1)
    await (await db()).put('leads', a)
    await logOutcome({ userId: 'u1', leadId: 'a', code: 'interested', now: new Date(2026, 2, 3, 16) })
    const undone = await logOutcome({ userId: 'u1', leadId: 'b', code: 'won', now: new Date(2026, 2, 3, 17) })
    await undoOutcome('u1', undone)
    const last = await lastVisits('u1', [a, b])
    expect(last.get('a')).toBe(new Date(2026, 2, 3, 16).toISOString())
    expect(last.has('b')).toBe(false)
  })
})
