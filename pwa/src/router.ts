// The rep app's router: every path except the console's and the service's own.
import { createRouter } from './history'

export { matchPath } from './history'

/** True for paths the rep app renders itself (everything except the console and the service). */
export function isAppPath(path: string): boolean {
  return !/^\/(console|api)(\/|$)/.test(path) && !/^\/(healthz|readyz)$/.test(path)
}

const router = createRouter(isAppPath)

export const navigate = router.navigate
/** Lets ordinary `<a href="/signals">` links and the back button move inside the app. */
export const startRouter = router.start
/** The current path; re-renders the caller on navigation. */
export const usePath = (): string => router.useLocation(() => location.pathname)
