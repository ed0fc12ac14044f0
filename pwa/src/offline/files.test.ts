// Prefetching on data changes: one run at a time, and nothing a change brought is left out.
import { describe, expect, it } from 'vitest'
import { prefetchOnChange } from './files'

/** A prefetch whose runs end when the test says so. */
function controlledRuns() {
  const ends: (() => void)[] = []
  const run = () => new Promise<void>((resolve) => ends.push(resolve))
  const endRun = async (i: number) => {
    ends[i]!()
    for (let k = 0; k < 5; k++) await Promise.resolve() // let .finally start the next run
  }
  return { run, ends, endRun }
}

describe('prefetchOnChange', () => {
  it('runs once more after a run during which data changed, however often it changed', async () => {
    const { run, ends, endRun } = controlledRuns()
    const changed = prefetchOnChange(run)
    changed()
    expect(ends).toHaveLength(1)
    changed() // a pull brought new recommendations while the first run was downloading
    changed()
    expect(ends).toHaveLength(1) // never two runs at once
    await endRun(0)
    expect(ends).toHaveLength(2) // the change is not lost
    await endRun(1)
    expect(ends).toHaveLength(2) // nothing changed during the second run: no third
    changed()
    expect(ends).toHaveLength(3)
  })

  it('goes on after a failed run', async () => {
    let runs = 0
    const changed = prefetchOnChange(async () => {
      runs++
      throw new Error('offline')
    })
    changed()
    await new Promise((resolve) => setTimeout(resolve, 0))
    changed()
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(runs).toBe(2)
  })
})
