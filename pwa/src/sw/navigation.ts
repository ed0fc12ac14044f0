// Which app shell answers a page navigation. Pure, so page tests and the worker share it.

export const APP_SHELL = '/index.html'
export const CONSOLE_SHELL = '/console/index.html'

/** Paths the service answers itself; the worker must never replace them with a shell. */
const SERVICE_PATHS = [/^\/api(\/|$)/, /^\/(healthz|readyz|metrics)$/, /^\/(docs|redoc|openapi\.json)(\/|$)/]

/**
 * Returns the precached shell that should answer a navigation to `pathname`,
 * or null to let the request go to the network untouched.
 */
export function shellFor(pathname: string): string | null {
  if (SERVICE_PATHS.some((re) => re.test(pathname))) return null
  const last = pathname.split('/').pop() ?? ''
  if (last.includes('.') && !last.endsWith('.html')) return null // a file, not a page
  if (/^\/console(\/|$)/.test(pathname)) return CONSOLE_SHELL
  return APP_SHELL
}
