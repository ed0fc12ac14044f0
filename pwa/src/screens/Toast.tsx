// One toast at a time, at the bottom, with an optional action (Undo).
import { useEffect, useState } from 'preact/hooks'

export interface ToastData {
  text: string
  action?: { label: string; run: () => void }
  ms?: number
}

let current: (ToastData & { key: number }) | null = null
let counter = 0
const listeners = new Set<() => void>()
let timer: ReturnType<typeof setTimeout> | null = null

export function showToast(data: ToastData): void {
  current = { ...data, key: ++counter }
  if (timer) clearTimeout(timer)
  timer = setTimeout(hideToast, data.ms ?? 4000)
  listeners.forEach((f) => f())
}
export function hideToast(): void {
  current = null
  listeners.forEach((f) => f())
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
        <div class="toast" key={current.key} data-testid="toast">
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
      )}
    </div>
  )
}
