// Dates, numbers and labels for the current language (Intl).
import { getLanguage, t, type MessageKey } from '../i18n'
import type { OutcomeCodeSync } from '../offline/types'

const locale = () => (getLanguage() === 'de' ? 'de-DE' : 'en-GB')

export function formatTime(iso: string): string {
  return new Intl.DateTimeFormat(locale(), { hour: '2-digit', minute: '2-digit' }).format(new Date(iso))
}
export function formatDate(iso: string): string {
  return new Intl.DateTimeFormat(locale(), { day: 'numeric', month: 'short', year: 'numeric' }).format(new Date(iso))
}
/** A day with its weekday, e.g. "Wed, 2 Dec" (the year only when it is not `now`'s; always if `now` is null). */
export function formatDay(iso: string | Date, now: Date | null = new Date()): string {
  const d = new Date(iso)
  const year = now && d.getFullYear() === now.getFullYear() ? undefined : 'numeric'
  return new Intl.DateTimeFormat(locale(), { weekday: 'short', day: 'numeric', month: 'short', year }).format(d)
}
/** A day with its weekday and a time, e.g. "Wed, 2 Dec, 09:30". */
export function formatDayTime(iso: string, now: Date = new Date()): string {
  return `${formatDay(iso, now)}, ${formatTime(iso)}`
}
export function formatDateTime(iso: string): string {
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso))
}
export function formatNumber(n: number): string {
  return new Intl.NumberFormat(locale()).format(n)
}
export function formatBytes(n: number): string {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const
  let i = 0
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024
    i++
  }
  return new Intl.NumberFormat(locale(), { style: 'unit', unit: units[i], unitDisplay: 'short', maximumFractionDigits: 1 }).format(n)
}

/** The server's label for an outcome code in the current language (the code itself as fallback). */
export function codeLabel(code: string, codes: OutcomeCodeSync[]): string {
  const c = codes.find((x) => x.code === code)
  if (!c) return code
  return getLanguage() === 'de' ? c.label_de || c.label_en : c.label_en
}

export function kindLabel(kind: string): string {
  return t(`kind.${kind}` as MessageKey)
}
