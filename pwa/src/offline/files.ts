// Collateral files on the phone: their own cache (never the build's precache), filled by
// explicit download or by prefetching the recommended collateral within a storage budget.
// The service worker answers /api/v1/files/... from this cache, including Range for video.
// Files are fetched with `no-store`: the copy lives only here, where a log-out can remove it,
// never in the browser's HTTP cache (the server marks files cacheable for a year).
import { toApiError } from '../api/client'
import { withCounters } from './counters'
import { db } from './db'
import type { CollateralSync } from './types'

export const FILES_CACHE = 'strang-files-v1'
/** Default budget for prefetched collateral. */
export const PREFETCH_BUDGET = 200 * 1024 * 1024

/** Bumped by clearFiles: a download that began before it never fills the cache again. */
let generation = 0

function hasCaches(): boolean {
  return typeof caches !== 'undefined'
}

export function fileUrl(item: CollateralSync): string | null {
  return item.file_url ?? (item.sha256 ? `/api/v1/files/${item.sha256}` : null)
}

export async function isCached(url: string): Promise<boolean> {
  if (!hasCaches()) return false
  const cache = await caches.open(FILES_CACHE)
  return (await cache.match(url)) !== undefined
}

/** True for `fetch`'s failure when the network is gone (a TypeError, worded per browser). */
export function isNetworkError(err: unknown): boolean {
  return err instanceof TypeError
}

/** Downloads a file whole (200) into the cache. */
export async function download(url: string): Promise<void> {
  if (!hasCaches()) return
  const began = generation
  if (await (await caches.open(FILES_CACHE)).match(url)) return
  const res = await fetch(url, { credentials: 'same-origin', cache: 'no-store' })
  if (res.status !== 200) throw await toApiError(res)
  if (began === generation) await (await caches.open(FILES_CACHE)).put(url, res)
}

/** The file as a Blob: from the cache when there, else from the network (and kept). */
export async function fileBlob(url: string): Promise<Blob> {
  if (hasCaches()) {
    const began = generation
    const hit = await (await caches.open(FILES_CACHE)).match(url)
    if (hit) return hit.blob()
    const res = await fetch(url, { credentials: 'same-origin', cache: 'no-store' })
    if (!res.ok) throw await toApiError(res)
    if (began === generation) await (await caches.open(FILES_CACHE)).put(url, res.clone()).catch(() => undefined)
    return res.blob()
  }
  const res = await fetch(url, { credentials: 'same-origin', cache: 'no-store' })
  if (!res.ok) throw await toApiError(res)
  return res.blob()
}

/**
 * Prefetches the recommended collateral of the rep's leads (most recommended first) while
 * the total stays within the budget, and removes cached files nothing refers to any more.
 */
export async function prefetchRecommended(budget: number = PREFETCH_BUDGET): Promise<{ fetched: number; removed: number }> {
  if (!hasCaches()) return { fetched: 0, removed: 0 }
  const d = await db()
  const [leads, collateral] = await Promise.all([d.getAll('leads'), d.getAll('collateral')])
  const byId = new Map(collateral.map((c) => [c.id, c]))
  const counts = new Map<string, number>()
  for (const l of leads) for (const id of withCounters(l).recommended_collateral_ids) counts.set(id, (counts.get(id) ?? 0) + 1)
  const wanted = [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([id]) => byId.get(id))
    .filter((c): c is CollateralSync => !!c && !!fileUrl(c))
  const referenced = new Set(collateral.map(fileUrl).filter((u): u is string => !!u).map((u) => new URL(u, location.origin).href))
  const cache = await caches.open(FILES_CACHE)
  let removed = 0
  for (const req of await cache.keys()) {
    if (!referenced.has(req.url)) {
      await cache.delete(req)
      removed++
    }
  }
  let used = 0
  let fetched = 0
  for (const c of wanted) {
    const size = c.size ?? 0
    if (used + size > budget) continue
    used += size
    const url = fileUrl(c)!
    if (await isCached(url)) continue
    try {
      await download(url)
      fetched++
    } catch {
      // offline or gone: try again next time
    }
  }
  return { fetched, removed }
}

/**
 * A listener for data changes that prefetches: one run at a time, and one more after it when
 * data changed meanwhile (the pull that brought new recommendations is never left unfetched).
 */
export function prefetchOnChange(run: () => Promise<unknown> = prefetchRecommended): () => void {
  let running = false
  let changed = false
  const start = (): void => {
    running = true
    changed = false
    void run()
      .catch(() => undefined)
      .finally(() => {
        running = false
        if (changed) start()
      })
  }
  return () => {
    if (running) changed = true
    else start()
  }
}

/** Removes every cached file, of this and earlier versions (logout, revoked session). */
export async function clearFiles(): Promise<void> {
  generation++
  if (!hasCaches()) return
  for (const name of await caches.keys()) if (name.startsWith('strang-files-')) await caches.delete(name)
}

export async function storageUsage(): Promise<{ usage: number; quota: number; persisted: boolean } | null> {
  const s = globalThis.navigator?.storage
  if (!s?.estimate) return null
  const est = await s.estimate()
  const persisted = s.persisted ? await s.persisted() : false
  return { usage: est.usage ?? 0, quota: est.quota ?? 0, persisted }
}

/** Asks the browser not to evict our data under storage pressure. */
export async function requestPersistence(): Promise<boolean> {
  try {
    return (await globalThis.navigator?.storage?.persist?.()) ?? false
  } catch {
    return false
  }
}
