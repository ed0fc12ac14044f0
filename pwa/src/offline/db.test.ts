import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { DB_VERSION, openStrangDB } from './db'

describe('openStrangDB', () => {
  it('creates the stores of every upgrade step', async () => {
    const db = await openStrangDB('test-create')
    expect(db.version).toBe(DB_VERSION)
    expect([...db.objectStoreNames]).toContain('meta')
    await db.put('meta', 'cursor-1', 'sync.cursor')
    expect(await db.get('meta', 'sync.cursor')).toBe('cursor-1')
    db.close()
  })
})
