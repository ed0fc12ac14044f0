// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest'
import { createRouter } from './history'

/** Clicks `el`; true when the router took the click (the page itself never navigates). */
function routed(el: Element, init: MouseEventInit = {}): boolean {
  let taken = false
  const after = (e: Event) => {
    taken = e.defaultPrevented
    e.preventDefault()
  }
  window.addEventListener('click', after)
  el.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, button: 0, ...init }))
  window.removeEventListener('click', after)
  return taken
}

describe('createRouter', () => {
  const router = createRouter((path) => path.startsWith('/app/'))
  router.start()

  it('moves inside its part of the site without a page load, once per new location', () => {
    history.replaceState(null, '', '/app/one')
    const before = history.length
    router.navigate('/app/two?x=1')
    expect(location.pathname + location.search).toBe('/app/two?x=1')
    router.navigate('/app/two?x=1') // the same place: no second history entry
    expect(history.length).toBe(before + 1)
    router.navigate('/app/three', { replace: true })
    expect(history.length).toBe(before + 1)
    expect(location.pathname).toBe('/app/three')
  })

  it('hands links inside to itself and leaves the others to the browser', () => {
    history.replaceState(null, '', '/app/one')
    document.body.innerHTML =
      '<a id="in" href="/app/two"><span>in</span></a><a id="out" href="/elsewhere">out</a>' +
      '<a id="tab" href="/app/three" target="_blank">tab</a>'
    expect(routed(document.querySelector('#in span')!)).toBe(true)
    expect(location.pathname).toBe('/app/two')
    expect(routed(document.querySelector('#out')!)).toBe(false)
    expect(routed(document.querySelector('#tab')!)).toBe(false)
    expect(routed(document.querySelector('#in')!, { ctrlKey: true })).toBe(false)
    expect(location.pathname).toBe('/app/two')
  })

  it('loads pages outside its part of the site', () => {
    const assign = vi.spyOn(location, 'assign').mockImplementation(() => {})
    router.navigate('/console/')
    expect(assign).toHaveBeenCalledWith('/console/')
    assign.mockRestore()
  })
})
