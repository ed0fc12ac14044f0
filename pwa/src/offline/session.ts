// Remembers who was last logged in on this phone so the app opens offline.
// Only the public profile is kept: never the token (auth is the HttpOnly cookie).
import { fetchMe, logout as apiLogout, type Me } from '../api/auth'
import { isApiError } from '../api/client'

const KEY = 'strang.lastUser'
/** The phone's own settings, not its user's: they stay when the user leaves (the language). */
const DEVICE_SETTINGS = ['strang.lang']

export type SessionUser = Pick<Me, 'id' | 'email' | 'name' | 'role'> & Partial<Pick<Me, 'region' | 'team'>>

export interface Session {
  user: SessionUser | null
  /** True when the server could not be asked and the remembered user is shown. */
  offline: boolean
}

function read(): SessionUser | null {
  try {
    const raw = localStorage.getItem(KEY)
    return raw ? (JSON.parse(raw) as SessionUser) : null
  } catch {
    return null
  }
}

export function rememberUser(user: SessionUser): void {
  const { id, email, name, role, region, team } = user
  try {
    localStorage.setItem(KEY, JSON.stringify({ id, email, name, role, region, team }))
  } catch {
    // storage blocked: the app still works online
  }
}

/** Forgets the user: every localStorage key but the phone's settings, and sessionStorage. */
export function forgetUser(): void {
  try {
    const keys = Array.from({ length: localStorage.length }, (_, i) => localStorage.key(i))
    for (const key of keys) if (key !== null && !DEVICE_SETTINGS.includes(key)) localStorage.removeItem(key)
    sessionStorage.clear()
  } catch {
    // nothing to forget (storage blocked)
  }
}

/**
 * Asks the server who is logged in. 401/403 mean "nobody" (and the remembered
 * user is forgotten); if the server cannot be reached or fails, the remembered
 * user is used so a rep can keep working offline.
 */
export async function restoreSession(): Promise<Session> {
  try {
    const me = await fetchMe()
    rememberUser(me)
    return { user: me, offline: false }
  } catch (err) {
    if (isApiError(err) && (err.status === 401 || err.status === 403)) {
      forgetUser()
      return { user: null, offline: false }
    }
    return { user: read(), offline: true }
  }
}

/**
 * Ends the session on the server, then forgets the user here. A 401 means the
 * session had already ended, which is fine. Throws if the server can't be reached.
 */
export async function endSession(): Promise<void> {
  try {
    await apiLogout()
  } catch (err) {
    if (!(isApiError(err) && err.status === 401)) throw err
  }
  forgetUser()
}
