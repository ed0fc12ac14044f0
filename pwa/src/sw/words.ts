// A push notification in the rep's language, worded on the phone from the payload's `type` and
// `counts` (how many things changed, by kind). The words are neutral: they say what kind of
// thing is new and how many, never which, because a lock screen is read by whoever holds the
// phone. Only when the organisation allows details (`details: 'minimal'`) does a notice about
// one lead or campaign carry its name, taken from what the phone holds after its pull; never a
// file's title or marketing's reply. The worker cannot read the page's i18n state, so it keeps
// these few sentences itself.
import { clip, type Poke } from './push'

export type PushLang = 'en' | 'de'

interface Kind {
  one: (name: string | null) => string
  many: (n: number) => string
}

const EN: Record<string, Kind> = {
  new_leads: { one: (name) => (name ? `New brief: ${name}` : 'New brief'), many: (n) => (n === 1 ? '1 new brief' : `${n} new briefs`) },
  new_campaign: { one: (name) => (name ? `New campaign: ${name}` : 'New campaign'), many: (n) => (n === 1 ? '1 new campaign' : `${n} new campaigns`) },
  new_collateral: { one: (name) => (name ? `New material in ${name}` : 'New material in a campaign'), many: (n) => (n === 1 ? 'New material in 1 campaign' : `New material in ${n} campaigns`) },
  counter_collateral: { one: () => 'Material recommended for a lead', many: (n) => (n === 1 ? 'Material recommended for 1 lead' : `Material recommended for ${n} leads`) },
  share_opened: { one: () => 'Shared material was opened', many: (n) => (n === 1 ? '1 shared link was opened' : `${n} shared links were opened`) },
  signal_answered: { one: () => 'Marketing replied to your signal', many: (n) => (n === 1 ? 'Marketing replied to 1 signal' : `Marketing replied to ${n} of your signals`) },
}
const DE: Record<string, Kind> = {
  new_leads: { one: (name) => (name ? `Neues Briefing: ${name}` : 'Neues Briefing'), many: (n) => (n === 1 ? '1 neues Briefing' : `${n} neue Briefings`) },
  new_campaign: { one: (name) => (name ? `Neue Kampagne: ${name}` : 'Neue Kampagne'), many: (n) => (n === 1 ? '1 neue Kampagne' : `${n} neue Kampagnen`) },
  new_collateral: { one: (name) => (name ? `Neues Material in ${name}` : 'Neues Material in einer Kampagne'), many: (n) => (n === 1 ? 'Neues Material in 1 Kampagne' : `Neues Material in ${n} Kampagnen`) },
  // Neutral on purpose: no customer name, no objection, even when the phone knows them.
  counter_collateral: { one: () => 'Material für einen Lead empfohlen', many: (n) => (n === 1 ? 'Material für 1 Lead empfohlen' : `Material für ${n} Leads empfohlen`) },
  // Neutral too: never the customer, the lead or what was read.
  share_opened: { one: () => 'Geteiltes Material wurde geöffnet', many: (n) => (n === 1 ? '1 geteilter Link wurde geöffnet' : `${n} geteilte Links wurden geöffnet`) },
  signal_answered: { one: () => 'Das Marketing hat dein Signal beantwortet', many: (n) => (n === 1 ? 'Das Marketing hat 1 Signal beantwortet' : `Das Marketing hat ${n} deiner Signale beantwortet`) },
}
const WORDS: Record<PushLang, Record<string, Kind>> = { en: EN, de: DE }
const UPDATES: Record<PushLang, (n: number) => string> = { en: (n) => `${n} updates for you`, de: (n) => `${n} Neuigkeiten für dich` }
const OPEN_ONE: Record<PushLang, string> = { en: 'Open Strang to see it.', de: 'Öffne Strang, um es zu sehen.' }
const OPEN_MANY: Record<PushLang, string> = { en: 'Open Strang to see what is new.', de: 'Öffne Strang, um die Neuigkeiten zu sehen.' }
const ANY: Record<PushLang, string> = { en: 'Something new for you', de: 'Etwas Neues für dich' }
/** The kinds whose one-thing notice may name its lead or campaign when details are allowed. */
export const NAMED_KINDS: readonly string[] = ['new_leads', 'new_campaign', 'new_collateral']
const TITLE_MAX = 120
const BODY_MAX = 240

/** The language the rep chose in the app, else the one the server worded it in, else the phone's. */
export function pushLang(stored: unknown, phone: string | undefined, worded: string | null = null): PushLang {
  for (const choice of [stored, worded, phone]) {
    const primary = typeof choice === 'string' ? choice.toLowerCase().slice(0, 2) : ''
    if (primary === 'de' || primary === 'en') return primary
  }
  return 'en'
}

/** The name a lock screen may show for this poke: only with details allowed, for one lead or campaign. */
export function mayName(poke: Poke): boolean {
  return poke.details === 'minimal' && !!poke.target_id && NAMED_KINDS.includes(poke.type)
}

/**
 * Title and body in `lang`. One thing: its kind's words (with `name` only when `mayName`);
 * several: counts. A kind this version does not know shows neutral words, never the payload's
 * text in another language.
 */
export function wordPoke(poke: Poke, lang: PushLang, name: string | null): { title: string; body: string } {
  const words = WORDS[lang]
  const kind = words[poke.type]
  const counts = Object.entries(poke.counts).filter(([, n]) => n > 0)
  let title: string
  let body: string
  if (kind && poke.target_id) [title, body] = [kind.one(mayName(poke) ? name : null), OPEN_ONE[lang]]
  else if (kind) [title, body] = [kind.many(poke.counts[poke.type] ?? 2), OPEN_MANY[lang]]
  else if (poke.type === 'updates' && counts.length > 0) {
    title = UPDATES[lang](counts.reduce((sum, [, n]) => sum + n, 0))
    body = counts.map(([k, n]) => (words[k] ? words[k]!.many(n) : ANY[lang])).join('; ')
  } else if (poke.lang === lang) [title, body] = [poke.title, poke.body]
  else [title, body] = [ANY[lang], OPEN_MANY[lang]]
  return { title: clip(title, TITLE_MAX), body: clip(body, BODY_MAX) }
}
