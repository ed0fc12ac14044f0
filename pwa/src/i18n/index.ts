// English and German UI strings. The language comes from the user's explicit
// choice if there is one, otherwise from the browser's preferred languages.
import { de } from './de'
import { en, type MessageKey } from './en'

export type { MessageKey }
export type Lang = 'en' | 'de'
export const LANGS: readonly Lang[] = ['en', 'de']
const catalogs: Record<Lang, Record<MessageKey, string>> = { en, de }
const STORAGE_KEY = 'strang.lang'

function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGS as readonly string[]).includes(value)
}

/** Chooses the UI language: a stored choice wins, then the first supported browser language, then English. */
export function pickLanguage(preferred: readonly string[], stored?: string | null): Lang {
  if (isLang(stored)) return stored
  for (const tag of preferred) {
    const base = tag.toLowerCase().split(/[-_]/)[0]
    if (isLang(base)) return base
  }
  return 'en'
}

function readStored(): string | null {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) ?? null
  } catch {
    return null // storage can be blocked (private mode); fall back to the browser
  }
}

function browserLanguages(): readonly string[] {
  const nav = globalThis.navigator
  if (!nav) return []
  return nav.languages?.length ? nav.languages : nav.language ? [nav.language] : []
}

let current: Lang = pickLanguage(browserLanguages(), readStored())
const listeners = new Set<(lang: Lang) => void>()

export function getLanguage(): Lang {
  return current
}

/** Switches the language, remembers the choice on this device and tells subscribers. */
export function setLanguage(lang: Lang): void {
  current = lang
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, lang)
  } catch {
    // not remembered, but still switched for this session
  }
  if (globalThis.document) document.documentElement.lang = lang
  for (const fn of listeners) fn(lang)
}

export function onLanguageChange(fn: (lang: Lang) => void): () => void {
  listeners.add(fn)
  return () => listeners.delete(fn)
}

/** Translates a key, filling `{name}` placeholders from `params`. */
export function t(key: MessageKey, params?: Record<string, string | number>, lang: Lang = current): string {
  const text = catalogs[lang][key] ?? en[key]
  if (!params) return text
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole))
}

/** A detail chip (`no_need`) in the current language; a chip without a translation (one an
 * admin added later) reads as its code with spaces. */
export function chipLabel(chip: string, lang: Lang = current): string {
  const key = `chip.${chip}`
  return key in en ? t(key as MessageKey, undefined, lang) : chip.replace(/_/g, ' ')
}

/** Re-reads the browser/stored choice (used at start-up and by tests). */
export function initLanguage(): Lang {
  current = pickLanguage(browserLanguages(), readStored())
  if (globalThis.document) document.documentElement.lang = current
  return current
}
