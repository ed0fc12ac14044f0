// Web Push in the worker: what a poke says, how it is shown, which screen a tap opens (the
// messages it posts to open pages are in src/offline/push-wire.ts). Plain functions with
// structural types, so they compile for both the page (DOM) and the worker (WebWorker) and
// can be tested without a browser.

import { OPEN_MESSAGE, type WorkerMessage } from '../offline/push-wire'

/**
 * The server's payload (app/push/messages.py): a small poke, the app pulls the content itself.
 * Its title and body are neutral words (no names, titles or replies) in the rep's language.
 */
export interface Poke {
  type: string
  target_id: string | null
  title: string
  body: string
  url: string
  /** how many distinct things changed, by kind */
  counts: Record<string, number>
  /** the language the server worded it in */
  lang: string | null
  /** what the organisation lets a lock screen show: 'minimal' adds a lead's or campaign's name from the phone's own data */
  details: 'none' | 'minimal'
}

export const ICON = '/icons/icon-192.png'
export const BADGE = '/icons/badge-96.png'
const FALLBACK_TITLE = 'Strang'
const FALLBACK_BODY = 'Open Strang to see what is new.'

/** Reads a push payload; anything unreadable still becomes a notification (a push must always show one). */
export function parsePoke(text: string | null | undefined): Poke {
  let raw: Partial<Record<keyof Poke, unknown>> = {}
  try {
    const parsed: unknown = text ? JSON.parse(text) : {}
    if (parsed && typeof parsed === 'object') raw = parsed as typeof raw
  } catch {
    // not JSON: show the generic notification
  }
  const str = (v: unknown, max: number) => (typeof v === 'string' && v.trim() ? clip(v.trim(), max) : null)
  return {
    type: str(raw.type, 40) ?? 'updates',
    target_id: str(raw.target_id, 64),
    title: str(raw.title, 120) ?? FALLBACK_TITLE,
    body: str(raw.body, 300) ?? FALLBACK_BODY,
    url: str(raw.url, 200) ?? '/',
    counts: countsOf(raw.counts),
    lang: str(raw.lang, 8),
    details: raw.details === 'minimal' ? 'minimal' : 'none',
  }
}

/** At most `max` characters, cut between words with an ellipsis, never inside a word. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text
  const cut = text.slice(0, max - 1)
  const space = cut.lastIndexOf(' ')
  return (space > 0 ? cut.slice(0, space) : cut).replace(/[ ;,.]+$/, '') + '…'
}

function countsOf(raw: unknown): Record<string, number> {
  const counts: Record<string, number> = {}
  if (!raw || typeof raw !== 'object') return counts
  for (const [kind, n] of Object.entries(raw).slice(0, 10)) {
    if (/^[a-z_]{1,40}$/.test(kind) && Number.isInteger(n) && (n as number) > 0) counts[kind] = Math.min(n as number, 1_000_000)
  }
  return counts
}

/**
 * The rep app screen for a payload URL. The server names what changed (`/lead/{id}`,
 * `/campaign/{id}`, `/signal/{id}`); the app has a lead screen, a campaign screen and the
 * signals inbox. Anything else, or anything off this origin, opens Today.
 */
export function appPathFor(url: string): string {
  if (!url.startsWith('/') || url.startsWith('//')) return '/'
  const [first, id, ...rest] = url.split('?')[0]!.split('/').filter(Boolean)
  if (rest.length > 0) return '/'
  const safe = id !== undefined && /^[A-Za-z0-9-]{1,64}$/.test(id)
  if (first === 'lead' && safe) return `/lead/${id}`
  if (first === 'campaign' && safe) return `/campaign/${id}`
  if (first === 'signal' && safe) return '/signals'
  if (first === 'signals' && id === undefined) return '/signals'
  return '/'
}

export interface NotificationSpec {
  title: string
  options: { body: string; icon: string; badge: string; tag: string; renotify: boolean; data: { url: string; type: string } }
}

/** Title and options for `showNotification`: the type is the tag, so repeats replace each other. */
export function notificationFor(poke: Poke, words: { title: string; body: string } = poke): NotificationSpec {
  return {
    title: words.title,
    options: {
      body: words.body,
      icon: ICON,
      badge: BADGE,
      tag: poke.type,
      renotify: true,
      data: { url: appPathFor(poke.url), type: poke.type },
    },
  }
}

// The slice of the worker's `clients` API the click handler needs (tests pass a fake).
export interface WindowLike {
  url: string
  focus(): Promise<unknown>
  postMessage(message: WorkerMessage): void
}
export interface ClientsLike {
  matchAll(options: { type: 'window'; includeUncontrolled: boolean }): Promise<readonly WindowLike[]>
  openWindow(url: string): Promise<unknown>
}

/**
 * A tap on a notification: focus a window of the app and ask it to sync and show the screen,
 * or open a new window there (a fresh start syncs first anyway). `origin` is the worker's.
 */
export async function openFromNotification(data: unknown, clients: ClientsLike, origin: string): Promise<void> {
  const url = (data as { url?: unknown } | null)?.url
  const path = appPathFor(typeof url === 'string' ? url : '/')
  const windows = await clients.matchAll({ type: 'window', includeUncontrolled: true })
  const mine = windows.filter((w) => {
    try {
      const u = new URL(w.url)
      return u.origin === origin && !u.pathname.startsWith('/console')
    } catch {
      return false
    }
  })
  const win = mine[0]
  if (win) {
    try {
      await win.focus()
    } catch {
      // focusing may be refused; the message still moves the app
    }
    win.postMessage({ type: OPEN_MESSAGE, path })
    return
  }
  await clients.openWindow(path)
}

