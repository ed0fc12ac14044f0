import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { LIVE_PATH, parseEvents, reconnectDelayMs, SILENCE_MS, SPREAD_MS, startLive } from './live'

/** A fake server: each connection is a stream the test writes events into, or a status. */
class FakeServer {
  connections: ReadableStreamDefaultController<Uint8Array>[] = []
  statuses: number[] = []
  requests: RequestInit[] = []
  fetch = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
    expect(url).toBe(LIVE_PATH)
    this.requests.push(init ?? {})
    const status = this.statuses.shift() ?? 200
    if (status !== 200) return new Response(null, { status })
    let controller!: ReadableStreamDefaultController<Uint8Array>
    const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) })
    init?.signal?.addEventListener('abort', () => controller.error(new DOMException('aborted', 'AbortError')))
    this.connections.push(controller)
    return new Response(body, { headers: { 'Content-Type': 'text/event-stream' } })
  })
  send(text: string, connection = this.connections.length - 1): void {
    this.connections[connection]!.enqueue(new TextEncoder().encode(text))
  }
  cut(connection = this.connections.length - 1): void {
    this.connections[connection]!.close()
  }
}

const HELLO = 'event: hello\ndata: {"clock":5}\n\n'
const settle = () => vi.advanceTimersByTimeAsync(0)

describe('reconnectDelayMs', () => {
  it('doubles from 2 s up to a minute, with ±50 % jitter', () => {
    const mid = () => 0.5
    expect([1, 2, 3, 4, 5, 6, 7, 12].map((n) => reconnectDelayMs(n, mid))).toEqual([2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000])
    expect(reconnectDelayMs(1, () => 0)).toBe(1000)
    expect(reconnectDelayMs(1, () => 0.999)).toBe(2998)
    expect(reconnectDelayMs(30, () => 0.999)).toBeLessThanOrEqual(90_000)
  })
})

describe('parseEvents', () => {
  it('reads complete events, drops heartbeats and keeps the unfinished rest', () => {
    const { events, rest } = parseEvents(': ping\n\nevent: change\ndata: {"clock":7,"scope":"rep"}\n\nevent: rev')
    expect(events).toEqual([{ name: 'change', data: { clock: 7, scope: 'rep' } }])
    expect(rest).toBe('event: rev')
    expect(parseEvents(rest + 'oke\ndata: {}\n\n').events).toEqual([{ name: 'revoke', data: {} }])
  })
})

describe('startLive', () => {
  let server: FakeServer
  let onChange: ReturnType<typeof vi.fn<() => void>>
  let onRevoked: ReturnType<typeof vi.fn<() => void>>
  let stop: () => void

  beforeEach(() => {
    vi.useFakeTimers()
    server = new FakeServer()
    onChange = vi.fn<() => void>()
    onRevoked = vi.fn<() => void>()
    stop = startLive({ onChange, onRevoked, fetch: server.fetch as typeof fetch, random: () => 0.5 })
  })
  afterEach(() => {
    stop()
    vi.useRealTimers()
  })

  it('sends the session cookie and pulls at once on a change for this rep', async () => {
    await settle()
    expect(server.requests[0]).toMatchObject({ credentials: 'same-origin', headers: { Accept: 'text/event-stream' } })
    server.send(HELLO)
    await settle()
    expect(onChange).not.toHaveBeenCalled() // the first connection: the app pulled on start anyway
    server.send('event: change\ndata: {"clock":6,"scope":"rep"}\n\n')
    await settle()
    expect(onChange).toHaveBeenCalledTimes(1)
  })

  it('spreads the pull for a change for everyone, one pull for several', async () => {
    await settle()
    server.send(HELLO + 'event: change\ndata: {"clock":6,"scope":"all"}\n\n')
    await settle()
    server.send('event: change\ndata: {"clock":7,"scope":"all"}\n\n')
    await settle()
    expect(onChange).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(SPREAD_MS)
    expect(onChange).toHaveBeenCalledTimes(1)
  })

  it('reconnects after a lost stream with backoff, then pulls once', async () => {
    await settle()
    server.send(HELLO)
    await settle()
    server.cut()
    await settle()
    expect(server.fetch).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(reconnectDelayMs(1, () => 0.5) - 1)
    expect(server.fetch).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(server.fetch).toHaveBeenCalledTimes(2)
    server.send(HELLO)
    await vi.advanceTimersByTimeAsync(SPREAD_MS)
    expect(onChange).toHaveBeenCalledTimes(1) // notices may have been missed meanwhile
  })

  it('waits longer after each failed attempt', async () => {
    stop()
    server = new FakeServer()
    server.statuses = [502, 502, 502]
    stop = startLive({ onChange, onRevoked, fetch: server.fetch as typeof fetch, random: () => 0.5 })
    await settle()
    const times: number[] = []
    for (let attempt = 1; attempt <= 3; attempt++) {
      const start = Date.now()
      while (server.fetch.mock.calls.length === attempt) await vi.advanceTimersByTimeAsync(100)
      times.push(Date.now() - start)
    }
    expect(times).toEqual([2000, 4000, 8000])
  })

  it('gives up a silent connection and reconnects', async () => {
    await settle()
    server.send(HELLO)
    await settle()
    await vi.advanceTimersByTimeAsync(SILENCE_MS - 1000)
    server.send(': ping\n\n') // a heartbeat keeps it
    await vi.advanceTimersByTimeAsync(SILENCE_MS - 1000)
    expect(server.fetch).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(1000 + reconnectDelayMs(1, () => 0.5))
    expect(server.fetch).toHaveBeenCalledTimes(2)
  })

  it('ends the session on a revoke event, and does not reconnect', async () => {
    await settle()
    server.send(HELLO + 'event: revoke\ndata: {}\n\n')
    await settle()
    expect(onRevoked).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(120_000)
    expect(server.fetch).toHaveBeenCalledTimes(1)
  })

  it('ends the session when the server answers 401', async () => {
    stop()
    server.statuses = [401]
    stop = startLive({ onChange, onRevoked, fetch: server.fetch as typeof fetch })
    await settle()
    expect(onRevoked).toHaveBeenCalledTimes(1)
  })

  it('stops for good', async () => {
    await settle()
    server.send(HELLO)
    await settle()
    stop()
    await vi.advanceTimersByTimeAsync(120_000)
    expect(server.fetch).toHaveBeenCalledTimes(1)
    expect(onChange).not.toHaveBeenCalled()
  })
})
