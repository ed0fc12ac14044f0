// One History API router for the rep app and the console: plain paths, the back button, and
// ordinary `<a href>` links that stay inside the part of the site a router owns.
import { useEffect, useState } from 'preact/hooks'

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

export interface NavigateOptions {
  /** Replace the current history entry instead of adding one. */
  replace?: boolean
  /** Scroll to the top (a new screen); off for a filter that changes the query only. */
  scroll?: boolean
}

export interface Router {
  /** Moves to `to`; outside the router's part of the site, loads that page instead. */
  navigate(to: string, options?: NavigateOptions): void
  /** Follows link clicks and the back button from now on (once). */
  start(): void
  /** `read()` of the current location; re-renders the caller on every navigation. */
  useLocation<T>(read: () => T): T
}

/** A router for the paths `owns` accepts. */
export function createRouter(owns: (path: string) => boolean): Router {
  const listeners = new Set<() => void>()
  const notify = () => listeners.forEach((fn) => fn())

  function navigate(to: string, { replace = false, scroll = true }: NavigateOptions = {}): void {
    const url = new URL(to, location.href)
    if (url.origin !== location.origin || !owns(url.pathname)) {
      location.assign(to)
      return
    }
    const target = url.pathname + url.search + url.hash
    if (target === location.pathname + location.search + location.hash) return
    if (replace) history.replaceState(null, '', target)
    else history.pushState(null, '', target)
    if (scroll) window.scrollTo(0, 0)
    notify()
  }

  function onClick(e: MouseEvent): void {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return
    const a = (e.target as Element | null)?.closest?.('a')
    if (!a || a.target || a.hasAttribute('download')) return
    const url = new URL(a.href, location.href)
    if (url.origin !== location.origin || !owns(url.pathname)) return
    e.preventDefault()
    navigate(url.pathname + url.search + url.hash)
  }

  let started = false
  return {
    navigate,
    start() {
      if (started) return
      started = true
      window.addEventListener('popstate', notify)
      document.addEventListener('click', onClick)
    },
    useLocation<T>(read: () => T): T {
      const [value, setValue] = useState(read)
      useEffect(() => {
        const update = () => setValue(() => read())
        listeners.add(update)
        return () => {
          listeners.delete(update)
        }
      }, [])
      return value
    },
  }
}
