// @vitest-environment happy-dom
import { render } from 'preact'
import { act } from 'preact/test-utils'
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { setLanguage } from '../i18n'
import { ChangePassword } from './ChangePassword'

let root: HTMLElement
beforeEach(() => {
  setLanguage('en')
  root = document.createElement('div')
  document.body.append(root)
})
afterEach(() => {
  render(null, root)
  root.remove()
  vi.unstubAllGlobals()
})

it('sends one change for a double submit (a second answer would say the old password is wrong)', async () => {
  let answer: (r: Response) => void = () => {}
  const fetch = vi.fn(() => new Promise<Response>((resolve) => (answer = resolve)))
  vi.stubGlobal('fetch', fetch)
  render(<ChangePassword />, root)
  const form = root.querySelector('form')!
  await act(async () => {
    form.dispatchEvent(new Event('submit', { cancelable: true, bubbles: true }))
    form.dispatchEvent(new Event('submit', { cancelable: true, bubbles: true }))
  })
  expect(fetch).toHaveBeenCalledTimes(1)
  await act(async () => {
    answer(new Response(null, { status: 204 }))
    await new Promise((r) => setTimeout(r, 5))
  })
  expect(root.querySelector('[role="status"]')?.textContent).toContain('Password changed')
})
