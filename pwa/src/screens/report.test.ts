import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { setLanguage } from '../i18n'
import type { ReportSource, SignalRecord, VisitRecord } from '../offline/report'
import type { LeadSync, OutcomeCodeSync } from '../offline/types'
import { buildReport, pageRanges, reportText } from './report'

// Wednesday 4 March 2026, 17:30 on the phone's clock (local days, whatever the zone).
const now = new Date(2026, 2, 4, 17, 30)
const at = (day: number, h: number, m = 0) => new Date(2026, 2, day, h, m).toISOString()

const code = (c: string, label_en: string, label_de: string, position: number, details: string[] = []): OutcomeCodeSync =>
  ({ code: c, label_en, label_de, position, details, active: true, sentiment: 'neutral' }) as OutcomeCodeSync
const codes = [
  code('won', 'Won', 'Gewonnen', 1),
  code('follow_up', 'Follow-up', 'Wiedervorlage', 2),
  code('objection', 'Objection', 'Einwand', 4, ['price', 'competitor']),
]

function lead(id: string, company: string, postal: string, city: string, planned: string | null = null): LeadSync {
  return { id, company, postal_code: postal, city, planned_visit_at: planned, priority: 2, history: [] } as unknown as LeadSync
}
const leads = [
  lead('baker', 'Bäckerei Müller', '20095', 'Hamburg', at(5, 10)),
  lead('cafe', 'Café Krone', '80331', 'München'),
  lead('garage', 'Autohaus Nord', '24103', 'Kiel', at(9, 14, 30)),
  lead('mill', 'Mühle Süd', '79098', 'Freiburg', at(20, 9)), // beyond the next days
]
const visit = (id: string, leadId: string, c: string, occurredAt: string, extra: Partial<VisitRecord> = {}): VisitRecord => ({
  id,
  leadId,
  code: c,
  occurredAt,
  details: [],
  note: '',
  shown: [],
  ...extra,
})
const signal = (id: string, occurredAt: string, extra: Partial<SignalRecord>): SignalRecord => ({
  id,
  kind: 'other',
  text: '',
  occurredAt,
  leadId: null,
  status: 'open',
  reply: '',
  ...extra,
})

const source: ReportSource = {
  leads,
  codes,
  visits: [
    visit('v2', 'cafe', 'objection', at(4, 11, 5), { details: ['price', 'competitor'] }),
    visit('v1', 'baker', 'won', at(4, 9, 30), {
      shown: [
        { collateralId: 'c1', title: 'Spring offer', pages: [1, 2, 3, 5] },
        { collateralId: 'c2', title: null, pages: [] },
      ],
      note: 'Wants delivery in May ',
    }),
    visit('v3', 'cafe', 'follow_up', at(4, 15, 45), { shown: [{ collateralId: 'c1', title: 'Spring offer', pages: [2] }] }),
    visit('v0', 'garage', 'won', at(2, 16)), // Monday: in the week, not in the day
    visit('old', 'garage', 'won', at(1, 16)), // the Sunday before
    visit('gone', 'elsewhere', 'objection', at(4, 16, 10)),
  ],
  signals: [
    signal('s1', at(4, 11, 20), { kind: 'competitor', leadId: 'cafe', text: 'Acme offers 10 % less', status: 'acknowledged', reply: 'Counter-offer sheet is on its way' }),
    signal('s2', at(4, 16, 0), { kind: 'need_material', text: 'Need material', status: 'waiting' }),
    signal('s0', at(3, 8, 0), { kind: 'price_pressure', text: 'Prices', status: 'open' }),
  ],
}

describe('the day report', () => {
  beforeEach(() => setLanguage('en'))
  afterEach(() => setLanguage('en'))

  it('reads as a manager wants it: visits with outcome, reasons, collateral and note; follow-ups; signals', () => {
    const report = buildReport(source, 'day', now)
    expect(reportText(report, codes, 'Max Rep')).toBe(
      [
        'Day report, Wed, 4 Mar 2026',
        'Max Rep',
        '4 visits: Won 1, Follow-up 1, Objection 2',
        '',
        'Visits',
        '09:30 Bäckerei Müller, 20095 Hamburg',
        '- Outcome: Won',
        '- Shown: Spring offer (pages 1–3, 5); Collateral no longer available',
        '- Note: Wants delivery in May',
        '11:05 Café Krone, 80331 München',
        '- Outcome: Objection (Price, Competitor)',
        '15:45 Café Krone, 80331 München',
        '- Outcome: Follow-up',
        '- Shown: Spring offer (page 2)',
        '16:10 A lead no longer on this phone',
        '- Outcome: Objection',
        '',
        'Follow-ups',
        '- Thu 5 Mar, 10:00: Bäckerei Müller, 20095 Hamburg',
        '- Mon 9 Mar, 14:30: Autohaus Nord, 24103 Kiel',
        '- No date yet: Café Krone, 80331 München',
        '',
        'Signals',
        '- 11:20 Competitor, Café Krone: “Acme offers 10 % less” (Seen by marketing; Reply: “Counter-offer sheet is on its way”)',
        '- 16:00 Need material (Waiting to sync)',
      ].join('\n'),
    )
  })

  it('is written in German in German mode, with German dates', () => {
    setLanguage('de')
    const text = reportText(buildReport(source, 'day', now), codes, 'Max Rep')
    expect(text.split('\n').slice(0, 8)).toEqual([
      'Tagesbericht, Mi., 4. März 2026',
      'Max Rep',
      '4 Besuche: Gewonnen 1, Wiedervorlage 1, Einwand 2',
      '',
      'Besuche',
      '09:30 Bäckerei Müller, 20095 Hamburg',
      '- Ergebnis: Gewonnen',
      '- Gezeigt: Spring offer (Seiten 1–3, 5); Material nicht mehr verfügbar',
    ])
    expect(text).toContain('- Noch ohne Termin: Café Krone, 80331 München')
    expect(text).toContain('- 11:20 Wettbewerb, Café Krone: „Acme offers 10 % less“ (Vom Marketing gesehen; Antwort: „Counter-offer sheet is on its way“)')
  })

  it('covers the week from Monday, with a line for each day that had visits', () => {
    const report = buildReport(source, 'week', now)
    expect(report.visits.map((v) => v.id)).toEqual(['v0', 'v1', 'v2', 'v3', 'gone'])
    expect(report.signals.map((s) => s.id)).toEqual(['s0', 's1', 's2'])
    const text = reportText(report, codes, 'Max Rep')
    expect(text.split('\n').slice(0, 9)).toEqual([
      'Week report, Mon 2 Mar – Sun, 8 Mar 2026',
      'Max Rep',
      '5 visits: Won 2, Follow-up 1, Objection 2',
      '',
      'Visits',
      'Mon 2 Mar:',
      '16:00 Autohaus Nord, 24103 Kiel',
      '- Outcome: Won',
      'Wed 4 Mar:',
    ])
    expect(text).toContain('- Tue 3 Mar, 08:00 Price pressure: “Prices” (Sent)')
  })

  it('says so when nothing was logged, and lists what is planned', () => {
    const quiet = buildReport({ ...source, visits: [], signals: [] }, 'day', new Date(2026, 2, 6, 8))
    expect(reportText(quiet, codes, 'Max Rep')).toBe(
      ['Day report, Fri, 6 Mar 2026', 'Max Rep', 'No visits logged.', '', 'Follow-ups', '- Mon 9 Mar, 14:30: Autohaus Nord, 24103 Kiel'].join('\n'),
    )
  })
})

describe('page ranges', () => {
  it('join runs of pages', () => {
    expect(pageRanges([5, 1, 2, 3, 3, 9, 10])).toBe('1–3, 5, 9–10')
    expect(pageRanges([4])).toBe('4')
    expect(pageRanges([])).toBe('')
  })
})
