// One tap, one visit: the lead screen's outcome buttons take one tap and then wait for a
// deliberate "Log another visit". Decided synchronously in the click handler, so a second tap
// that arrives before the screen re-renders (a hurried thumb, 50 ms later) finds it closed.

export interface TapGate {
  /** True for the tap that may log a visit; closes the gate at once. */
  tryTap(): boolean
  /** The rep asked to log another visit: the next tap may log one. */
  reopen(): void
  /**
   * The screen now shows these visits as logged today. When what it shows changes to nothing
   * (an Undo, another phone's retraction, midnight), the buttons are open again.
   */
  shown(ids: readonly string[]): void
  readonly open: boolean
}

export function createTapGate(): TapGate {
  let open = true
  let showing = ''
  return {
    tryTap() {
      if (!open) return false
      open = false
      return true
    },
    reopen() {
      open = true
    },
    shown(ids) {
      const now = ids.join(' ')
      if (now === showing) return
      showing = now
      if (ids.length === 0) open = true
    },
    get open() {
      return open
    },
  }
}
