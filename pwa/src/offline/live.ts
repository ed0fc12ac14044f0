// Live updates while the app is open: reads the server's event stream (GET /api/v1/live) and
// pulls when it says something changed for this rep, or ends the session when it was revoked.
// - read with fetch() + a stream reader: the session cookie goes along as on every API call
//   (EventSource would too, but hides the status: a 401 must end the session, not retry);
// - the notices carry no data: the app runs its normal pull;
// - reconnects with exponential backoff and jitter; pulls once after a reconnect (notices may
//   have been missed meanwhile); a stream silent for longer than two heartbeats is dead.
export const LIVE_PATH = '/api/v1/live'
/** The server sends a heartbeat every 20 s; nothing for this long means the connection is gone. */
export const SILENCE_MS = 45_000
/** A change for every rep: pull within this long, at a random moment, so phones do not all come at once. */
export const SPREAD_MS = 2_000
const RETRY_BASE_MS = 2_000
const RETRY_MAX_MS = 60_000

export interface LiveEvent {
  name: string
  data: Record<string, unknown>
}

export interface LiveOptions {
  /** Pull now (the sync engine merges calls that overlap a running round). */
  onChange: () => void
  /** The server says this session has ended (revoked, or answered 401). */
  onRevoked: () => void
  fetch?: typeof fetch
  random?: () => number
}

/** Waiting time before reconnect attempt `failures` (1, 2, ...): doubling up to a minute, ±50 %. */
export function reconnectDelayMs(failures: number, random: () => number = Math.random): number {
  const base = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.max(0, failures - 1))
  return Math.round(base * (0.5 + random()))
}

/** Splits received text into complete events (comments dropped) and the unfinished rest. */
export function parseEvents(text: string): { events: LiveEvent[]; rest: string } {
  const blocks = text.replace(/\r\n?/g, '\n').split('\n\n')
  const rest = blocks.pop() ?? ''
  const events: LiveEvent[] = []
  for (const block of blocks) {
    let name = 'message'
    const data: string[] = []
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) name = line.slice(6).trim()
      else if (line.startsWith('data:')) data.push(line.slice(5).trimStart())
    }
    if (data.length === 0) continue // a heartbeat comment
    let parsed: Record<string, unknown> = {}
    try {
      const value: unknown = JSON.parse(data.join('\n'))
      if (value && typeof value === 'object') parsed = value as Record<string, unknown>
    } catch {
      // not JSON: the name alone says enough
    }
    events.push({ name, data: parsed })
  }
  return { events, rest }
}

/** Starts listening; returns a function that stops. */
export function startLive(opts: LiveOptions): () => void {
  const get = opts.fetch ?? ((input, init) => fetch(input, init))
  const random = opts.random ?? Math.random
  let stopped = false
  let connection: AbortController | null = null
  let wakeUp: (() => void) | null = null
  let spreadTimer: ReturnType<typeof setTimeout> | null = null

  const pullSoon = (spread: boolean) => {
    if (!spread) return opts.onChange()
    if (spreadTimer) return // one pull already planned covers this one too
    spreadTimer = setTimeout(() => {
      spreadTimer = null
      if (!stopped) opts.onChange()
    }, Math.round(random() * SPREAD_MS))
  }

  /** One connection; resolves 'revoked', 'refused' or 'lost' (then reconnect). */
  const listen = async (reconnected: boolean): Promise<'revoked' | 'refused' | 'lost' | 'heard'> => {
    const ctrl = new AbortController()
    connection = ctrl
    let silence: ReturnType<typeof setTimeout> | null = null
    const awake = () => {
      if (silence) clearTimeout(silence)
      silence = setTimeout(() => ctrl.abort(), SILENCE_MS)
    }
    let heard = false
    try {
      awake()
      const res = await get(LIVE_PATH, {
        headers: { Accept: 'text/event-stream' },
        credentials: 'same-origin',
        cache: 'no-store',
        signal: ctrl.signal,
      })
      if (res.status === 401) return 'revoked'
      if (res.status === 403) return 'refused' // not a rep: nothing to hear
      if (!res.ok || !res.body) return 'lost'
      const reader = res.body.getReader()
      const decoder = new TextDecoder()
      let buffer = ''
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        awake()
        const parsed = parseEvents(buffer + decoder.decode(value, { stream: true }))
        buffer = parsed.rest
        for (const ev of parsed.events) {
          if (ev.name === 'revoke') return 'revoked'
          if (ev.name === 'hello') {
            heard = true
            if (reconnected) pullSoon(true)
          } else if (ev.name === 'change') pullSoon(ev.data['scope'] === 'all')
        }
      }
    } catch {
      // offline, aborted (silence or stop) or cut: reconnect below
    } finally {
      if (silence) clearTimeout(silence)
      ctrl.abort() // lets go of the body when we stopped reading (revoke)
      connection = null
    }
    return heard ? 'heard' : 'lost'
  }

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms)
      function done() {
        clearTimeout(timer)
        wakeUp = null
        resolve()
      }
      wakeUp = done
    })

  void (async () => {
    let failures = 0
    let connectedBefore = false
    while (!stopped) {
      const outcome = await listen(connectedBefore)
      if (stopped) return
      if (outcome === 'revoked') return opts.onRevoked()
      if (outcome === 'refused') return
      if (outcome === 'heard') {
        connectedBefore = true
        failures = 0
      }
      failures++
      await pause(reconnectDelayMs(failures, random))
    }
  })()

  // back online or back in front: try again now rather than at the end of a long backoff
  const retryNow = () => {
    if (globalThis.document?.visibilityState !== 'hidden') wakeUp?.()
  }
  globalThis.addEventListener?.('online', retryNow)
  globalThis.document?.addEventListener('visibilitychange', retryNow)

  return () => {
    stopped = true
    connection?.abort()
    wakeUp?.()
    if (spreadTimer) clearTimeout(spreadTimer)
    globalThis.removeEventListener?.('online', retryNow)
    globalThis.document?.removeEventListener('visibilitychange', retryNow)
  }
}
