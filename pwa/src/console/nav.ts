// The console's own History API router: paths under /console/ plus the query string, so
// filters live in the URL (shareable) and back/forward restore them.
import { createRouter, matchPath } from '../history'

export const BASE = '/console'

export interface Loc {
  /** Path inside the console, always starting with `/` (e.g. `/leads`). */
  path: string
  query: URLSearchParams
}

export function currentLoc(): Loc {
  const rest = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : location.pathname
  return { path: rest.replace(/\/+$/, '') || '/', query: new URLSearchParams(location.search) }
}

/** `/leads` → `/console/leads`; a query object drops empty values. */
export function href(path: string, query?: Record<string, string | undefined | null>): string {
  const search = new URLSearchParams()
  for (const [k, v] of Object.entries(query ?? {})) if (v) search.set(k, v)
  const qs = search.toString()
  return `${BASE}${path === '/' ? '/' : path}${qs ? `?${qs}` : ''}`
}

const router = createRouter((path) => path.startsWith(`${BASE}/`))

/** Moves inside the console without scrolling (filters and tabs change the query). */
export function go(to: string, { replace = false } = {}): void {
  router.navigate(to, { replace, scroll: false })
}

export const startConsoleRouter = router.start

/** The current console location; re-renders the caller on navigation (including back/forward). */
export const useLoc = (): Loc => router.useLocation(currentLoc)

export const match = matchPath
