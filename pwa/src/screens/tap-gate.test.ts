import { describe, expect, it } from 'vitest'
import { createTapGate } from './tap-gate'

describe('the tap gate', () => {
  it('lets one tap through and refuses every tap after it, without waiting for anything', () => {
    const gate = createTapGate()
    expect(gate.tryTap()).toBe(true)
    expect(gate.tryTap()).toBe(false)
    expect(gate.tryTap()).toBe(false)
    expect(gate.open).toBe(false)
  })

  it('stays closed while the screen still shows nothing logged (the render before the write lands)', () => {
    const gate = createTapGate()
    gate.shown([])
    expect(gate.tryTap()).toBe(true)
    gate.shown([])
    expect(gate.tryTap()).toBe(false)
    gate.shown(['a'])
    expect(gate.tryTap()).toBe(false)
  })

  it('opens again for a deliberate next visit', () => {
    const gate = createTapGate()
    gate.shown(['a'])
    expect(gate.tryTap()).toBe(true)
    gate.reopen()
    expect(gate.tryTap()).toBe(true)
    gate.shown(['a', 'b'])
    expect(gate.tryTap()).toBe(false)
  })

  it('opens again once what the screen shows as logged is gone (Undo), not before', () => {
    const gate = createTapGate()
    expect(gate.tryTap()).toBe(true)
    gate.shown(['a'])
    expect(gate.open).toBe(false)
    gate.shown(['a'])
    expect(gate.open).toBe(false)
    gate.shown([])
    expect(gate.tryTap()).toBe(true)
  })

  it('keeps waiting for "log another visit" when an Undo leaves earlier visits shown', () => {
    const gate = createTapGate()
    gate.shown(['a'])
    gate.reopen()
    expect(gate.tryTap()).toBe(true)
    gate.shown(['a', 'b'])
    gate.shown(['a'])
    expect(gate.tryTap()).toBe(false)
  })
})
