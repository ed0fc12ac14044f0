// A push notification in the rep's language. The server's payload carries English words for any
// client, and `type` + `counts` (how many things changed, by kind) for the rep app to word. The
// worker cannot read the page's i18n state, so it keeps these few sentences itself; names
// (a lead's company, a campaign) come from what the phone holds after its pull.
import type { Poke } from './push'

export type PushLang = 'en' | 'de'

interface Kind {
  one: (name: string | null) => string
  many: (n: number) => string
}

const DE: Record<string, Kind> = {
  new_leads: { one: (name) => (name ? `Neues Briefing: ${name}` : 'Neues Briefing'), many: (n) => (n === 1 ? '1 neues Briefing' : `${n} neue Briefings`) },
  new_campaign: { one: (name) => (name ? `Neue Kampagne: ${name}` : 'Neue Kampagne'), many: (n) => (n === 1 ? '1 neue Kampagne' : `${n} neue Kampagnen`) },
  new_collateral: { one: (name) => (name ? `Neues Material in ${name}` : 'Neues Material'), many: (n) => (n === 1 ? 'Neues Material in 1 Kampagne' : `Neues Material in ${n} Kampagnen`) },
  signal_answered: { one: () => 'Das Marketing hat dein Signal beantwortet', many: (n) => (n === 1 ? 'Das Marketing hat 1 Signal beantwortet' : `Das Marketing hat ${n} deiner Signale beantwortet`) },
}
const DE_BODY = 'Öffne Strang, um die Neuigkeiten zu sehen.'

/** The language the rep chose in the app, else the phone's. */
export function pushLang(stored: unknown, phone: string | undefined): PushLang {
  if (stored === 'de' || stored === 'en') return stored
  return phone?.toLowerCase().startsWith('de') ? 'de' : 'en'
}

/**
 * Title and body in `lang`. English: the server's words. German: one thing keeps its publisher's
 * text as the body (a campaign's message, marketing's reply) under a German title; several things
 * become counts. A kind this version does not know keeps the server's words.
 */
export function wordPoke(poke: Poke, lang: PushLang, name: string | null): { title: string; body: string } {
  if (lang === 'en') return { title: poke.title, body: poke.body }
  const counts = Object.entries(poke.counts).filter(([kind, n]) => DE[kind] && n > 0)
  const kind = DE[poke.type]
  if (kind && poke.target_id) return { title: kind.one(name), body: poke.body }
  if (kind) return { title: kind.many(poke.counts[poke.type] ?? 2), body: DE_BODY }
  if (poke.type === 'updates' && counts.length > 0) {
    const total = counts.reduce((sum, [, n]) => sum + n, 0)
    return { title: `${total} Neuigkeiten für dich`, body: counts.map(([k, n]) => DE[k]!.many(n)).join('; ') }
  }
  return { title: poke.title, body: poke.body }
}
