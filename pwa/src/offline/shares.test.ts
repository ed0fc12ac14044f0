import 'fake-indexeddb/auto'
import { beforeEach, describe, expect, it } from 'vitest'
import { openStrangDB, useDatabase } from './db'
import { outboxOf } from './outbox'
import { createShare, linkOf, minutesRead, newShareToken, pageRanges, pendingShares, revokeShare } from './shares'

let n = 0
beforeEach(() => {
  useDatabase(openStrangDB(`shares-test-${++n}`))
})

describe('shares on the phone', () => {
  it('makes tokens of 128 random bits, never the same', () => {
    const tokens = new Set(Array.from({ length: 200 }, () => newShareToken()))
    expect(tokens.size).toBe(200)
    for (const token of tokens) expect(token).toMatch(/^[A-Za-z0-9_-]{22}$/)
  })

  it('queues one share.create offline and keeps the link on the phone', async () => {
    const { shareId, link } = await createShare('u1', 'lead-1', ['c1', 'c2'])
    const outbox = await outboxOf('u1')
    expect(outbox).toHaveLength(1)
    const m = outbox[0]!.mutation
    expect(m.type).toBe('share.create')
    if (m.type !== 'share.create') return
    expect(m).toMatchObject({ share_id: shareId, lead_id: 'lead-1', collateral_ids: ['c1', 'c2'] })
    expect(link).toBe(`${globalThis.location?.origin ?? ""}/s/${m.token}`)
    expect(await linkOf(shareId)).toBe(link)
    expect(await pendingShares('u1', 'lead-1')).toEqual([{ id: shareId, collateralIds: ['c1', 'c2'], createdAt: outbox[0]!.createdAt }])
    expect(await pendingShares('u1', 'lead-2')).toEqual([])
  })

  it('queues a revocation after the share', async () => {
    const { shareId } = await createShare('u1', 'lead-1', ['c1'])
    await revokeShare('u1', shareId)
    const types = (await outboxOf('u1')).map((e) => e.mutation.type)
    expect(types).toEqual(['share.create', 'share.revoke'])
  })

  it('says pages as ranges and minutes rounded up', () => {
    expect(pageRanges([4, 1, 2, 3, 3, 7, 9, 10])).toBe('1–4, 7, 9–10')
    expect(pageRanges([])).toBe('')
    expect(minutesRead({ seconds: 0 })).toBe(0)
    expect(minutesRead({ seconds: 170 })).toBe(3)
  })
})
