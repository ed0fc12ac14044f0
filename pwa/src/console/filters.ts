// Dashboard filters <-> URL query, so a view can be shared and back/forward restore it.
export const FILTER_KEYS = ['from', 'to', 'campaign_id', 'region', 'segment', 'team', 'rep_id'] as const
export type FilterKey = (typeof FILTER_KEYS)[number]
export type DashFilters = Partial<Record<FilterKey, string>>

export function filtersFrom(query: URLSearchParams): DashFilters {
  const out: DashFilters = {}
  for (const key of FILTER_KEYS) {
    const v = query.get(key)
    if (v) out[key] = v
  }
  return out
}

/** The export URL for the same filters; `semicolon` for German Excel, labels in `lang`. */
export function csvHref(filters: DashFilters, semicolon: boolean, lang: string): string {
  const q = new URLSearchParams()
  for (const key of FILTER_KEYS) if (filters[key]) q.set(key, filters[key]!)
  if (semicolon) q.set('delimiter', 'semicolon')
  q.set('lang', lang)
  const qs = q.toString()
  return `/api/v1/insights/outcomes.csv${qs ? `?${qs}` : ''}`
}
