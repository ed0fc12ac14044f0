// Shared pieces of the unit tests (imported by *.test.* files only, never by the app).
import { render } from 'preact'
import { afterEach, beforeEach, vi } from 'vitest'
import { setLanguage } from './i18n'

/** A JSON answer as the server gives it. */
export const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } })

/** A fresh element to render a screen into per test (English), unmounted and unstubbed after. */
export function screenRoot(): { readonly el: HTMLElement } {
  const root = { el: document.createElement('div') }
  beforeEach(() => {
    setLanguage('en')
    root.el = document.createElement('div')
    document.body.append(root.el)
  })
  afterEach(() => {
    render(null, root.el)
    root.el.remove()
    vi.unstubAllGlobals()
  })
  return root
}
