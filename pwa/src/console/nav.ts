// The console's own History API router: paths under /console/ plus the query string, so
// filters live in the URL (shareable) and back/forward restore them.
import { useEffect, useState } from 'preact/hooks'

export const BASE = '/console'
const listeners = new Set<() => void>()
const notify = () => listeners.forEach((fn) => fn())

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

export function go(to: string, { replace = false } = {}): void {
  if (to === location.pathname + location.search) return
  if (replace) history.replaceState(null, '', to)
  else history.pushState(null, '', to)
  notify()
}

function onClick(e: MouseEvent): void {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return
  const a = (e.target as Element | null)?.closest?.('a')
  if (!a || a.target || a.hasAttribute('download')) return
  const url = new URL(a.href, location.href)
  if (url.origin !== location.origin || !url.pathname.startsWith(`${BASE}/`)) return
  e.preventDefault()
  go(url.pathname + url.search)
  window.scrollTo(0, 0)
}

let started = false
export function startConsoleRouter(): void {
  if (started) return
  started = true
  window.addEventListener('popstate', notify)
  document.addEventListener('click', onClick)
}

/** The current console location; re-renders the caller on navigation (including back/forward). */
export function useLoc(): Loc {
  const [loc, setLoc] = useState(currentLoc)
  useEffect(() => {
    const update = () => setLoc(currentLoc())
    listeners.add(update)
    return () => {
      listeners.delete(update)
    }
  }, [])
  return loc
}

export function match(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/').filter(Boolean)
  const got = path.split('/').filter(Boolean)
  if (want.length !== got.length) return null
  const params: Record<string, string> = {}
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!
    const g = got[i]!
    if (w.startsWith(':')) params[w.slice(1)] = decodeURIComponent(g)
    else if (w !== g) return null
  }
  return params
}
