// One toast at a time, at the bottom, with an optional action (Undo) and an optional body
// (the outcome's confirmation: reason chips, follow-up date, note). It closes on its own
// after `ms`; a touch inside it starts that time again, and `holdToast` keeps it open while
// the rep types or picks a date, so it never vanishes under their finger.
import type { ComponentChildren } from 'preact'
import { useEffect, useState } from 'preact/hooks'

export interface ToastData {
  text: string
  action?: { label: string; run: () => void }
  ms?: number
  body?: ComponentChildren
}

const DEFAULT_MS = 4000
let current: (ToastData & { key: number }) | null = null
let counter = 0
const listeners = new Set<() => void>()
let timer: ReturnType<typeof setTimeout> | null = null
let held = false

function schedule(ms: number): void {
  if (timer) clearTimeout(timer)
  timer = held ? null : setTimeout(hideToast, ms)
}

export function showToast(data: ToastData): void {
  current = { ...data, key: ++counter }
  held = false
  schedule(data.ms ?? DEFAULT_MS)
  listeners.forEach((f) => f())
}
export function hideToast(): void {
  current = null
  held = false
  if (timer) clearTimeout(timer)
  timer = null
  listeners.forEach((f) => f())
}
/** The rep is busy in the toast: its time starts again (unless it is held open). */
export function extendToast(): void {
  if (current) schedule(current.ms ?? DEFAULT_MS)
}
/** Keeps the toast open (true) until released (false); released, its time starts again. */
export function holdToast(on: boolean): void {
  held = on
  extendToast()
}

export function ToastHost() {
  const [, setTick] = useState(0)
  useEffect(() => {
    const f = () => setTick((n) => n + 1)
    listeners.add(f)
    return () => listeners.delete(f)
  }, [])
  return (
    <div class="toast-host" role="status" aria-live="polite">
      {current && (
        <div class={current.body ? 'toast with-body' : 'toast'} key={current.key} data-testid="toast" onPointerDown={extendToast}>
          <div class="toast-row">
            <span>{current.text}</span>
            {current.action && (
              <button
                type="button"
                class="toast-action"
                onClick={() => {
                  const run = current?.action?.run
                  hideToast()
                  run?.()
                }}
              >
                {current.action.label}
              </button>
            )}
          </div>
          {current.body}
        </div>
      )}
    </div>
  )
}
