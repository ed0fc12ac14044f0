// A tiny History API router for the rep app: plain paths, no hash.
// Paths outside the rep app (/console/, /api/) are left to the browser.
import { useEffect, useState } from 'preact/hooks'

const listeners = new Set<() => void>()
const notify = () => listeners.forEach((fn) => fn())

/** Matches `/lead/:id` against `/lead/42`; returns the decoded params or null. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/').filter(Boolean)
  const got = path.split('/').filter(Boolean)
  if (want.length !== got.length) return null
  const params: Record<string, string> = {}
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!
    const g = got[i]!
    if (w.startsWith(':')) {
      try {
        params[w.slice(1)] = decodeURIComponent(g)
      } catch {
        return null
      }
    } else if (w !== g) return null
  }
  return params
}

/** True for paths the rep app renders itself (everything except the console and the service). */
export function isAppPath(path: string): boolean {
  return !/^\/(console|api)(\/|$)/.test(path) && !/^\/(healthz|readyz)$/.test(path)
}

export function navigate(to: string, { replace = false } = {}): void {
  if (!isAppPath(new URL(to, location.href).pathname)) {
    location.assign(to)
    return
  }
  if (replace) history.replaceState(null, '', to)
  else history.pushState(null, '', to)
  window.scrollTo(0, 0)
  notify()
}

function onClick(e: MouseEvent): void {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return
  const a = (e.target as Element | null)?.closest?.('a')
  if (!a || a.target || a.hasAttribute('download')) return
  const url = new URL(a.href, location.href)
  if (url.origin !== location.origin || !isAppPath(url.pathname)) return
  e.preventDefault()
  navigate(url.pathname + url.search + url.hash)
}

let started = false
/** Lets ordinary `<a href="/signals">` links and the back button move inside the app. */
export function startRouter(): void {
  if (started) return
  started = true
  window.addEventListener('popstate', notify)
  document.addEventListener('click', onClick)
}

/** The current path; re-renders the caller on navigation. */
export function usePath(): string {
  const [path, setPath] = useState(location.pathname)
  useEffect(() => {
    const update = () => setPath(location.pathname)
    listeners.add(update)
    return () => {
      listeners.delete(update)
    }
  }, [])
  return path
}
