import { describe, expect, it } from 'vitest'
import { APP_SHELL, CONSOLE_SHELL, shellFor } from './navigation'

describe('shellFor', () => {
  it.each(['/', '/lead/42', '/collateral/abc', '/signals', '/summary', '/settings', '/index.html'])(
    'answers %s with the rep app',
    (path) => expect(shellFor(path)).toBe(APP_SHELL),
  )

  it.each(['/console', '/console/', '/console/campaigns/7'])('answers %s with the console', (path) =>
    expect(shellFor(path)).toBe(CONSOLE_SHELL),
  )

  it.each(['/api', '/api/v1/me', '/api/v1/collateral/3/file', '/healthz', '/readyz', '/metrics', '/docs', '/openapi.json', '/robots.txt'])(
    'leaves %s to the network',
    (path) => expect(shellFor(path)).toBeNull(),
  )

  it('does not confuse look-alike paths', () => {
    expect(shellFor('/apis')).toBe(APP_SHELL)
    expect(shellFor('/consoles')).toBe(APP_SHELL)
    expect(shellFor('/healthz/x')).toBe(APP_SHELL)
  })
})
