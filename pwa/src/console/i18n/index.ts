// Console strings on top of the shared language choice (src/i18n): one language for both pages.
import { getLanguage, type Lang } from '../../i18n'
import { de } from './de'
import { en, type ConsoleKey } from './en'

export type { ConsoleKey }
const catalogs: Record<Lang, Record<ConsoleKey, string>> = { en, de }

/** Translates a console key, filling `{name}` placeholders. */
export function ct(key: ConsoleKey, params?: Record<string, string | number>, lang: Lang = getLanguage()): string {
  const text = catalogs[lang][key] ?? en[key]
  if (!params) return text
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole))
}

const locales: Record<Lang, string> = { en: 'en-GB', de: 'de-DE' }

export function locale(): string {
  return locales[getLanguage()]
}

export function fmtInt(n: number): string {
  return n.toLocaleString(locale())
}

/** 0.1234 → "12.3 %" ("12,3 %" in German); null → "—". */
export function fmtPct(share: number | null | undefined, digits = 1): string {
  if (share == null) return ct('common.none')
  return (share * 100).toLocaleString(locale(), { minimumFractionDigits: digits, maximumFractionDigits: digits }) + ' %'
}

/** Percentage points, with sign: 0.05 → "+5.0 pp". */
export function fmtPoints(diff: number | null | undefined): string {
  if (diff == null) return ct('common.none')
  const v = (diff * 100).toLocaleString(locale(), { minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: 'always' })
  return `${v} pp`
}

export function fmtDate(iso: string | null | undefined): string {
  if (!iso) return ct('common.none')
  const d = new Date(iso.length === 10 ? `${iso}T00:00:00` : iso)
  return d.toLocaleDateString(locale(), { year: 'numeric', month: 'short', day: 'numeric' })
}

/** A campaign's period: both ends, one open end ("from …", "until …"), or none ("—"). */
export function fmtPeriod(starts: string | null | undefined, ends: string | null | undefined): string {
  if (starts && ends) return `${fmtDate(starts)} – ${fmtDate(ends)}`
  if (starts) return ct('campaigns.from', { date: fmtDate(starts) })
  if (ends) return ct('campaigns.until', { date: fmtDate(ends) })
  return ct('common.none')
}

export function fmtDateTime(iso: string | null | undefined): string {
  if (!iso) return ct('common.none')
  return new Date(iso).toLocaleString(locale(), { dateStyle: 'medium', timeStyle: 'short' })
}
