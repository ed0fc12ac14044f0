import { describe, expect, it } from 'vitest'
import { clip, notificationFor, parsePoke } from './push'
import { mayName, pushLang, wordPoke } from './words'

const poke = (payload: object) => parsePoke(JSON.stringify(payload))
const one = (type: string, details = 'none') => poke({ type, target_id: 't1', title: 'x', body: 'y', url: '/', counts: { [type]: 1 }, lang: 'en', details })
const SECRET = 'Zahnarztpraxis Dr. Müller'

describe('push notifications on the lock screen', () => {
  it('are neutral by default: no name even when the phone knows it', () => {
    for (const lang of ['en', 'de'] as const) {
      for (const type of ['new_leads', 'new_campaign', 'new_collateral', 'signal_answered', 'counter_collateral']) {
        const words = wordPoke(one(type), lang, SECRET)
        expect(JSON.stringify(words)).not.toContain('Müller')
        expect(words.title.length).toBeGreaterThan(5)
      }
    }
    expect(wordPoke(one('new_leads'), 'en', SECRET)).toEqual({ title: 'New brief', body: 'Open Strang to see it.' })
    expect(wordPoke(one('signal_answered'), 'de', null)).toEqual({ title: 'Das Marketing hat dein Signal beantwortet', body: 'Öffne Strang, um es zu sehen.' })
  })

  it('name one lead or campaign only when the organisation allows details, and never a file or a reply', () => {
    expect(wordPoke(one('new_leads', 'minimal'), 'de', 'Bäckerei Sommer').title).toBe('Neues Briefing: Bäckerei Sommer')
    expect(wordPoke(one('new_campaign', 'minimal'), 'en', 'Spring').title).toBe('New campaign: Spring')
    expect(wordPoke(one('new_leads', 'minimal'), 'de', null).title).toBe('Neues Briefing') // not on the phone yet
    expect(mayName(one('signal_answered', 'minimal'))).toBe(false)
    expect(mayName(one('counter_collateral', 'minimal'))).toBe(false)
    expect(wordPoke(one('counter_collateral', 'minimal'), 'en', SECRET).title).toBe('Material recommended for a lead')
    // a payload's own text never reaches the lock screen for a known kind
    const chatty = poke({ type: 'signal_answered', target_id: 's1', title: 'Marketing: we lower the price for Müller', body: 'Reply text', url: '/signal/s1', counts: { signal_answered: 1 }, lang: 'en', details: 'minimal' })
    expect(wordPoke(chatty, 'en', null)).toEqual({ title: 'Marketing replied to your signal', body: 'Open Strang to see it.' })
  })

  it('words several things and mixed updates as counts in either language', () => {
    const many = poke({ type: 'new_leads', target_id: null, title: '250 new briefs', body: '', url: '/', counts: { new_leads: 250 } })
    expect(wordPoke(many, 'de', null)).toEqual({ title: '250 neue Briefings', body: 'Öffne Strang, um die Neuigkeiten zu sehen.' })
    expect(wordPoke(many, 'en', null)).toEqual({ title: '250 new briefs', body: 'Open Strang to see what is new.' })
    const mixed = poke({ type: 'updates', target_id: null, title: '2 updates for you', body: '…', url: '/', counts: { signal_answered: 1, new_leads: 1 } })
    const words = wordPoke(mixed, 'de', null)
    expect(words).toEqual({ title: '2 Neuigkeiten für dich', body: 'Das Marketing hat 1 Signal beantwortet; 1 neues Briefing' })
    expect(notificationFor(mixed, words).title).toBe('2 Neuigkeiten für dich')
    expect(wordPoke(mixed, 'en', null).body).toBe('Marketing replied to 1 signal; 1 new brief')
  })

  it('shows neutral words for a kind it does not know, and reads counts defensively', () => {
    const odd = poke({ type: 'something_new', target_id: null, title: 'News', body: 'b', url: '/', counts: { 'x y': 3, new_leads: -1, new_campaign: 2.5 }, lang: 'en' })
    expect(odd.counts).toEqual({})
    expect(wordPoke(odd, 'en', null)).toEqual({ title: 'News', body: 'b' }) // the server's neutral words
    expect(wordPoke(odd, 'de', null)).toEqual({ title: 'Etwas Neues für dich', body: 'Öffne Strang, um die Neuigkeiten zu sehen.' })
    expect(poke({ type: 'new_leads' }).counts).toEqual({})
    expect(poke({ type: 'new_leads' }).details).toBe('none')
  })

  it('never cuts a word in half', () => {
    const long = 'Das Marketing hat 3 deiner Signale beantwortet; Neues Material in 12 Kampagnen; 250 neue Briefings'
    for (let max = 10; max < long.length; max++) {
      const cut = clip(long, max)
      expect(cut.length).toBeLessThanOrEqual(max)
      expect(cut.endsWith('…')).toBe(true)
      expect(long.startsWith(cut.slice(0, -1))).toBe(true)
      expect([' ', ';', ','].includes(long[cut.length - 1]!)).toBe(true)
    }
    const body = parsePoke(JSON.stringify({ body: 'Wort '.repeat(100) })).body
    expect(body.endsWith('Wort…')).toBe(true)
  })

  it('takes the language chosen in the app, else the payload language, else the phone language', () => {
    expect(pushLang('de', 'en-GB', 'en')).toBe('de')
    expect(pushLang(undefined, 'en-GB', 'de')).toBe('de')
    expect(pushLang(undefined, 'de-AT')).toBe('de')
    expect(pushLang(undefined, 'fr-FR')).toBe('en')
    expect(pushLang('xx', undefined)).toBe('en')
  })
})
