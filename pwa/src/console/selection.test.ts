import { describe, expect, it } from 'vitest'
import { allMatching, click, count, isPicked, NOTHING, page } from './selection'

const rows = ['a', 'b', 'c', 'd', 'e']

describe('lead selection', () => {
  it('selects a range with shift, in either direction, from the last plain click', () => {
    let sel = click(NOTHING, rows, 'b', true, false)
    sel = click(sel, rows, 'e', true, true)
    expect([...sel.ids].sort()).toEqual(['b', 'c', 'd', 'e'])
    sel = click(sel, rows, 'c', false, true) // e..c cleared, anchor now c
    expect([...sel.ids].sort()).toEqual(['b'])
    sel = click(NOTHING, rows, 'd', true, false)
    sel = click(sel, rows, 'a', true, true)
    expect([...sel.ids].sort()).toEqual(['a', 'b', 'c', 'd'])
  })

  it('takes a shift-click without an anchor on the page as a single click', () => {
    const sel = click({ ids: new Set(['x']), allMatching: false, anchor: 'x' }, rows, 'c', true, true)
    expect([...sel.ids].sort()).toEqual(['c', 'x'])
  })

  it('counts every matching lead once all matching is chosen; a click leaves that mode, keeping the page', () => {
    const sel = page(NOTHING, rows, true)
    expect(count(sel, 10_000)).toBe(5)
    const all = allMatching()
    expect(count(all, 10_000)).toBe(10_000)
    expect(isPicked(all, 'zzz')).toBe(true)
    const narrowed = click(all, rows, 'a', false, false)
    expect(narrowed.allMatching).toBe(false)
    expect([...narrowed.ids].sort()).toEqual(['b', 'c', 'd', 'e'])
    expect(count(page(narrowed, rows, false), 10_000)).toBe(0)
  })
})
