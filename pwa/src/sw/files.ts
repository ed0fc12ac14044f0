// Collateral files in the worker: answered from their own cache (filled by the page's explicit
// download or prefetch), including Range requests for video seeking (206 from the full 200 body).
export const FILES_CACHE = 'strang-files-v1'
export const FILES_PREFIX = '/api/v1/files/'

/** Parses a single `bytes=a-b` range against a size; null when it can't be satisfied. */
export function parseRange(header: string, size: number): { start: number; end: number } | null {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (!m || (m[1] === '' && m[2] === '')) return null
  let start: number
  let end: number
  if (m[1] === '') {
    const suffix = Number(m[2])
    if (suffix === 0) return null
    start = Math.max(0, size - suffix)
    end = size - 1
  } else {
    start = Number(m[1])
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1)
  }
  if (start > end || start >= size) return null
  return { start, end }
}

/** Builds the 206 (or 416) answer for a Range request from a cached full response. */
export async function rangeResponse(full: Response, header: string): Promise<Response> {
  const blob = await full.blob()
  const range = parseRange(header, blob.size)
  if (!range) return new Response(null, { status: 416, headers: { 'Content-Range': `bytes */${blob.size}` } })
  const headers = new Headers()
  headers.set('Content-Type', full.headers.get('Content-Type') ?? 'application/octet-stream')
  headers.set('Content-Range', `bytes ${range.start}-${range.end}/${blob.size}`)
  headers.set('Content-Length', String(range.end - range.start + 1))
  headers.set('Accept-Ranges', 'bytes')
  return new Response(blob.slice(range.start, range.end + 1), { status: 206, statusText: 'Partial Content', headers })
}

/**
 * Cache first; the network (Range and all) when the file is not on the phone, bypassing the
 * browser's HTTP cache, so that no copy of a user's file outlives their log-out there.
 */
export async function answerFile(request: Request): Promise<Response> {
  const cache = await caches.open(FILES_CACHE)
  const hit = await cache.match(request.url)
  if (hit) {
    const range = request.headers.get('Range')
    return range ? rangeResponse(hit, range) : hit
  }
  return request.mode === 'navigate' ? fetch(request) : fetch(request, { cache: 'no-store' })
}
