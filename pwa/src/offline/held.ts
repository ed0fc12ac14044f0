// When a user leaves the phone (log-out, a revoked session, another user logging in), nothing
// readable of them stays in IndexedDB: every store is emptied but the device's own facts, and
// their unsent taps (the outbox) are sealed into opaque bytes under their user id only. When the
// same user logs in again the taps go back into the outbox and are sent (exactly once: the
// server knows every mutation id); another user's login discards them and tells nobody.
import type { StoreNames } from 'idb'
import { db, DEVICE_KEYS, type HeldTaps, type LocalOutcome, type OutboxEntry, type StrangDB } from './db'

/** Whose data the phone holds (the worker's Background Sync and push read it too). */
export const OWNER_KEY = 'session.userId'

async function bytes(stream: ReadableStream<Uint8Array>): Promise<ArrayBuffer> {
  return new Response(stream).arrayBuffer()
}

/**
 * The entries as gzip bytes: no lead id, code or time can be read from them. A browser without
 * CompressionStream (Safari before 16.4) keeps plain UTF-8 bytes: still never shown.
 */
export async function seal(entries: OutboxEntry[]): Promise<ArrayBuffer> {
  const json = new Blob([JSON.stringify(entries)])
  if (typeof CompressionStream === 'undefined') return json.arrayBuffer()
  return bytes(json.stream().pipeThrough(new CompressionStream('gzip')))
}

const isGzip = (b: ArrayBuffer) => b.byteLength > 1 && new Uint8Array(b, 0, 2).every((x, i) => x === [0x1f, 0x8b][i])

export async function unseal(sealed: ArrayBuffer): Promise<OutboxEntry[]> {
  const plain = isGzip(sealed) ? await bytes(new Blob([sealed]).stream().pipeThrough(new DecompressionStream('gzip'))) : sealed
  return JSON.parse(new TextDecoder().decode(plain)) as OutboxEntry[]
}

/** Seals every outbox entry into its user's held record (added to what is held already). */
export async function holdOutbox(): Promise<void> {
  const d = await db()
  // a tap written while sealing is caught by the next round
  for (let round = 0; round < 3; round++) {
    const [entries, held] = await Promise.all([d.getAll('outbox'), d.getAll('held')])
    if (entries.length === 0) return
    const byUser = new Map<string, OutboxEntry[]>()
    for (const e of entries) byUser.set(e.userId, [...(byUser.get(e.userId) ?? []), e])
    const records: HeldTaps[] = []
    for (const [userId, mine] of byUser) {
      const before = held.find((h) => h.userId === userId)
      const ids = new Set(mine.map((e) => e.id))
      const kept = before ? (await unseal(before.sealed)).filter((e) => !ids.has(e.id)) : []
      records.push({ userId, sealed: await seal([...kept, ...mine].sort((a, b) => a.seq - b.seq)) })
    }
    const tx = d.transaction(['outbox', 'held'], 'readwrite')
    for (const r of records) void tx.objectStore('held').put(r)
    for (const e of entries) void tx.objectStore('outbox').delete(e.id)
    await tx.done
  }
}

/**
 * Empties every store (whatever a later version adds too) but the device's facts, the held taps
 * and the outbox (which `holdOutbox` empties: should sealing fail, the taps stay, unshown).
 */
export async function wipeStores(): Promise<void> {
  const d = await db()
  const names = [...d.objectStoreNames].filter((n) => n !== 'held' && n !== 'outbox') as StoreNames<StrangDB>[]
  const tx = d.transaction(names, 'readwrite')
  const meta = tx.objectStore('meta')
  for (const key of await meta.getAllKeys()) if (!DEVICE_KEYS.includes(key)) void meta.delete(key)
  for (const name of names) if (name !== 'meta') void tx.objectStore(name).clear()
  await tx.done
}

/**
 * The "logged" records of restored outcomes (with chips and note as last amended, retractions
 * applied), so Today and the day report show the visits before the server has them.
 */
function localsOf(entries: OutboxEntry[]): LocalOutcome[] {
  const locals = new Map<string, LocalOutcome>()
  for (const { mutation: m, userId } of [...entries].sort((a, b) => a.seq - b.seq)) {
    if (m.type === 'outcome.log') {
      locals.set(m.id, { id: m.id, userId, leadId: m.lead_id, code: m.code, occurredAt: m.occurred_at, retracted: false, details: m.details, note: m.note })
      continue
    }
    const local = m.type === 'outcome.amend' || m.type === 'outcome.retract' ? locals.get(m.outcome_id) : undefined
    if (!local) continue
    if (m.type === 'outcome.retract') local.retracted = true
    else if (m.type === 'outcome.amend') Object.assign(local, m.details && { details: m.details }, m.note !== undefined && { note: m.note })
  }
  return [...locals.values()]
}

/**
 * Makes the phone `userId`'s: their held taps go back into the outbox (with their "logged"
 * records); every other user's held taps and outbox entries are discarded. Returns how many
 * taps came back.
 */
export async function takeOver(userId: string): Promise<number> {
  const d = await db()
  const held = await d.getAll('held')
  const mine = held.find((h) => h.userId === userId)
  const entries = mine ? await unseal(mine.sealed) : []
  const tx = d.transaction(['outbox', 'held', 'outcomes', 'meta'], 'readwrite')
  const outbox = tx.objectStore('outbox')
  for (const h of held) void tx.objectStore('held').delete(h.userId)
  for (const e of await outbox.getAll()) if (e.userId !== userId) void outbox.delete(e.id)
  for (const e of entries) void outbox.put(e)
  for (const local of localsOf(entries)) void tx.objectStore('outcomes').put(local)
  void tx.objectStore('meta').put(userId, OWNER_KEY)
  await tx.done
  return entries.length
}

/** Whose data the phone holds now, if anyone's. */
export async function owner(): Promise<string | null> {
  return ((await (await db()).get('meta', OWNER_KEY)) as string | undefined) ?? null
}
