import 'fake-indexeddb/auto'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { openStrangDB, useDatabase } from './db'
import { startSync } from './engine'
import { setStatus, syncStatus } from './sync'
import { json } from '../testing'

let n = 0
beforeEach(() => {
  useDatabase(openStrangDB(`freshness-test-${++n}`))
  setStatus({ lastPullAt: null, lastPushAt: null, failure: null, retryAt: null })
})

const emptyPage = { cursor: 'c', has_more: false, changes: {}, removed: {} }
const server = (pull: () => Response | Promise<Response>) =>
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string) => (url.startsWith('/api/v1/sync/push') ? json(200, { results: [], device: {} }) : pull())),
  )

describe('the last successful sync', () => {
  it('survives a restart that starts offline, and the failure says why', async () => {
    server(() => json(200, emptyPage))
    const first = startSync({ userId: 'u1', holdMs: 0 })
    await first.now()
    first.stop()
    const synced = syncStatus().lastPullAt
    expect(synced).not.toBeNull()

    // the app restarts (the page's memory is gone) without a connection
    setStatus({ lastPullAt: null, lastPushAt: null, failure: null })
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))))
    const second = startSync({ userId: 'u1', holdMs: 0 })
    await second.now()
    second.stop()
    expect(syncStatus().lastPullAt).toBe(synced)
    expect(syncStatus().failure).toEqual({ kind: 'network', status: null })
  })

  it('is only this user’s, and a busy server is told apart', async () => {
    server(() => json(200, emptyPage))
    const first = startSync({ userId: 'u1', holdMs: 0 })
    await first.now()
    first.stop()

    server(() => json(503, { detail: 'Service Unavailable' }))
    const other = startSync({ userId: 'u2', holdMs: 0 })
    await other.now()
    other.stop()
    expect(syncStatus().lastPullAt).toBeNull()
    expect(syncStatus().failure).toEqual({ kind: 'busy', status: 503 })
  })
})
