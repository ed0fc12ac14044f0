import { afterEach, describe, expect, it } from 'vitest'
import { ApiError } from '../api/client'
import { setLanguage } from '.'
import { errorText, rejectedText } from './errors'

afterEach(() => setLanguage('en'))

// Every reason the service gives a refused tap (app/sync/README.md).
const REASONS = ['invalid', 'invalid_timestamp', 'future_timestamp', 'unknown_lead', 'unknown_code', 'invalid_details', 'unknown_outcome', 'unknown_campaign', 'conflict', 'retracted_outcome', 'past_date']

describe('errors in the user language', () => {
  it('words every refusal reason of a tap in German, also as stored by older versions', () => {
    setLanguage('de')
    const texts = REASONS.map((r) => rejectedText(r))
    expect(new Set(texts).size).toBe(REASONS.length)
    expect(texts.join(' ')).not.toMatch(/rejected\.|lead_id|not accepted/)
    expect(rejectedText('unknown_lead: lead_id: no such lead of yours')).toBe('Dieser Lead ist dir nicht (mehr) zugewiesen: gelöscht oder jemand anderem gegeben.')
    expect(rejectedText('something_new')).toBe('Der Server hat es nicht angenommen.')
  })

  it('prefers the service code, then the status, never the English detail', () => {
    setLanguage('de')
    const taken = new ApiError(409, 'A user with this email already exists', [], null, { code: 'email_taken', params: {} })
    expect(errorText(taken)).toBe('Es gibt schon einen Benutzer mit dieser E-Mail-Adresse.')
    const big = new ApiError(413, 'file: larger', [], null, { code: 'too_large', params: { bytes: 52428800 } })
    expect(errorText(big)).toBe('Die Datei ist größer als die Grenze von 50 MB.')
    const changed = new ApiError(409, 'expected_count: …', [], null, { code: 'selection_changed', params: { count: 12, expected: 11 } })
    expect(errorText(changed)).toMatch(/^Die Auswahl umfasst jetzt 12 Leads statt 11/)
    expect(errorText(new ApiError(404, 'File not found'))).toBe('Das gibt es auf dem Server nicht mehr.')
    expect(errorText(new ApiError(0, 'The server could not be reached.'))).toMatch(/^Der Server ist nicht erreichbar/)
    expect(errorText(new TypeError('Failed to fetch'))).toMatch(/^Der Server ist nicht erreichbar/)
    expect(errorText(new ApiError(400, 'ends_on: before starts_on'))).toBe('Bitte prüfen: ends_on ist ungültig')
    const tooLong = new ApiError(422, 'x', [{ field: 'name', message: 'String should have at most 200 characters', type: 'string_too_long', ctx: { max_length: 200 } }])
    expect(errorText(tooLong, { name: 'Name' })).toBe('Bitte prüfen: Name: höchstens 200 Zeichen')
    expect(errorText(new Error('Invalid PDF structure'))).toBe('Etwas ist schiefgegangen. Bitte erneut versuchen.')
  })
})
