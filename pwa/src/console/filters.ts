// Dashboard filters <-> URL query, so a view can be shared and back/forward restore it.
import { href } from './nav'

export const FILTER_KEYS = ['from', 'to', 'campaign_id', 'region', 'segment', 'team', 'rep_id'] as const
export type FilterKey = (typeof FILTER_KEYS)[number]
export type DashFilters = Partial<Record<FilterKey, string>>

/** What narrows the visits to one dashboard figure, beyond the filters (the drill-down). */
export const FIGURE_KEYS = ['code', 'chip', 'collateral_id', 'without_collateral_id', 'no_campaign'] as const
export type FigureKey = (typeof FIGURE_KEYS)[number]
export type Figure = Partial<Record<FigureKey, string>>

export function figureFrom(query: URLSearchParams): Figure {
  const out: Figure = {}
  for (const key of FIGURE_KEYS) {
    const v = query.get(key)
    if (v) out[key] = v
  }
  return out
}

export function filtersFrom(query: URLSearchParams): DashFilters {
  const out: DashFilters = {}
  for (const key of FILTER_KEYS) {
    const v = query.get(key)
    if (v) out[key] = v
  }
  return out
}

export type Separator = 'comma' | 'semicolon'

/** What the Excel of the console's language opens: German Excel splits only at semicolons. */
export function defaultSeparator(lang: string): Separator {
  return lang === 'de' ? 'semicolon' : 'comma'
}

function exportQuery(filters: DashFilters & Figure, lang: string): URLSearchParams {
  const q = new URLSearchParams()
  for (const key of [...FILTER_KEYS, ...FIGURE_KEYS]) if (filters[key]) q.set(key, filters[key]!)
  q.set('lang', lang)
  return q
}

/** The CSV export of the same filters (and figure), labels in `lang`, with the chosen separator. */
export function csvHref(filters: DashFilters & Figure, separator: Separator, lang: string): string {
  const q = exportQuery(filters, lang)
  q.set('delimiter', separator)
  return `/api/v1/insights/outcomes.csv?${q}`
}

/** The Excel workbook of the same filters (and figure), labels and date format in `lang`. */
export function xlsxHref(filters: DashFilters & Figure, lang: string): string {
  return `/api/v1/insights/outcomes.xlsx?${exportQuery(filters, lang)}`
}

/** Where a dashboard number leads: its visits (the drill-down) under the same filters. */
export function visitsHref(filters: DashFilters, figure: Figure = {}): string {
  return href('/visits', { ...filters, ...figure })
}

const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10)

/** A week's bar of the trend: that Monday's week, cut to the period shown (UTC days). */
export function weekFilters(filters: DashFilters, week: string, period: { from: string; to: string }): DashFilters {
  const end = addDays(week, 6)
  return { ...filters, from: week > period.from ? week : period.from, to: end < period.to ? end : period.to }
}
