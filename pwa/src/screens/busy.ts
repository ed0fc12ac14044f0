import { useRef, useState } from 'preact/hooks'

/** One request at a time for a form or button: `run` ignores a second call (a double tap, a
 * second Enter) until the first has ended, decided synchronously, before any re-render. */
export function useBusy(): [boolean, (work: () => Promise<void>) => Promise<void>] {
  const [busy, setBusy] = useState(false)
  const running = useRef(false)
  async function run(work: () => Promise<void>): Promise<void> {
    if (running.current) return
    running.current = true
    setBusy(true)
    try {
      await work()
    } finally {
      running.current = false
      setBusy(false)
    }
  }
  return [busy, run]
}
