import { describe, expect, it } from 'vitest'
import { notificationFor, parsePoke } from './push'
import { pushLang, wordPoke } from './words'

const poke = (payload: object) => parsePoke(JSON.stringify(payload))

describe('push notifications in the rep language', () => {
  it('keeps the server words in English', () => {
    const p = poke({ type: 'new_leads', target_id: null, title: '3 new briefs', body: 'Open Strang to see what is new.', url: '/', counts: { new_leads: 3 } })
    expect(wordPoke(p, 'en', null)).toEqual({ title: '3 new briefs', body: 'Open Strang to see what is new.' })
  })

  it('words one thing with its name and keeps the publisher text as the body', () => {
    const p = poke({ type: 'new_campaign', target_id: 'c1', title: 'New campaign: Spring', body: 'Sparen Sie Energie', url: '/campaign/c1', counts: { new_campaign: 1 } })
    expect(wordPoke(p, 'de', 'Frühjahr')).toEqual({ title: 'Neue Kampagne: Frühjahr', body: 'Sparen Sie Energie' })
    const lead = poke({ type: 'new_leads', target_id: 'l1', title: 'New brief: Bäckerei Sommer', body: '', url: '/lead/l1', counts: { new_leads: 1 } })
    expect(wordPoke(lead, 'de', 'Bäckerei Sommer').title).toBe('Neues Briefing: Bäckerei Sommer')
    expect(wordPoke(lead, 'de', null).title).toBe('Neues Briefing') // not on the phone yet
  })

  it('words several things and mixed updates as German counts', () => {
    const many = poke({ type: 'new_leads', target_id: null, title: '250 new briefs', body: 'Open Strang to see what is new.', url: '/', counts: { new_leads: 250 } })
    expect(wordPoke(many, 'de', null)).toEqual({ title: '250 neue Briefings', body: 'Öffne Strang, um die Neuigkeiten zu sehen.' })
    const mixed = poke({ type: 'updates', target_id: null, title: '2 updates for you', body: 'Marketing answered your signal; 1 brief', url: '/', counts: { signal_answered: 1, new_leads: 1 } })
    const words = wordPoke(mixed, 'de', null)
    expect(words).toEqual({ title: '2 Neuigkeiten für dich', body: 'Das Marketing hat 1 Signal beantwortet; 1 neues Briefing' })
    expect(notificationFor(mixed, words).title).toBe('2 Neuigkeiten für dich')
    expect(JSON.stringify(words)).not.toMatch(/brief\b|updates|answered/)
  })

  it('keeps the server words for what it does not know, and reads counts defensively', () => {
    const odd = poke({ type: 'something_new', target_id: null, title: 'News', body: 'b', url: '/', counts: { 'x y': 3, new_leads: -1, new_campaign: 2.5 } })
    expect(odd.counts).toEqual({})
    expect(wordPoke(odd, 'de', null)).toEqual({ title: 'News', body: 'b' })
    expect(poke({ type: 'new_leads' }).counts).toEqual({})
  })

  it('takes the language chosen in the app, else the phone language', () => {
    expect(pushLang('de', 'en-GB')).toBe('de')
    expect(pushLang(undefined, 'de-AT')).toBe('de')
    expect(pushLang(undefined, 'fr-FR')).toBe('en')
    expect(pushLang('xx', undefined)).toBe('en')
  })
})
