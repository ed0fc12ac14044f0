// Local times in the organisation time zone, where the console's forms read and show them.

/** The wall-clock time of an instant in `zone`, as an `<input type="datetime-local">` holds it
 * ('2026-12-11T10:15'); '' for no instant. */
export function wallClock(iso: string | null | undefined, zone: string): string {
  if (!iso) return ''
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso))
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? ''
  return `${part('year')}-${part('month')}-${part('day')}T${part('hour')}:${part('minute')}`
}
