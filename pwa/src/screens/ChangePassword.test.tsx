// @vitest-environment happy-dom
import { render } from 'preact'
import { act } from 'preact/test-utils'
import { expect, it, vi } from 'vitest'
import { ChangePassword } from './ChangePassword'
import { screenRoot } from '../testing'

const root = screenRoot()

it('sends one change for a double submit (a second answer would say the old password is wrong)', async () => {
  let answer: (r: Response) => void = () => {}
  const fetch = vi.fn(() => new Promise<Response>((resolve) => (answer = resolve)))
  vi.stubGlobal('fetch', fetch)
  render(<ChangePassword />, root.el)
  const form = root.el.querySelector('form')!
  await act(async () => {
    form.dispatchEvent(new Event('submit', { cancelable: true, bubbles: true }))
    form.dispatchEvent(new Event('submit', { cancelable: true, bubbles: true }))
  })
  expect(fetch).toHaveBeenCalledTimes(1)
  await act(async () => {
    answer(new Response(null, { status: 204 }))
    await new Promise((r) => setTimeout(r, 5))
  })
  expect(root.el.querySelector('[role="status"]')?.textContent).toContain('Password changed')
})
