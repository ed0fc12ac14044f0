import { describe, expect, it } from 'vitest'
import { setLanguage } from '../i18n'
import { fmtSeconds, pageRanges } from './screens/Shares'

describe('the shares screen', () => {
  it('writes pages read as ranges', () => {
    expect(pageRanges([])).toBe('')
    expect(pageRanges([3])).toBe('3')
    expect(pageRanges([1, 2, 3, 4, 7, 9, 10])).toBe('1–4, 7, 9–10')
  })

  it('writes reading time in seconds, then minutes', () => {
    setLanguage('en')
    expect(fmtSeconds(null)).toBe('—')
    expect(fmtSeconds(45)).toBe('45 s')
    expect(fmtSeconds(200)).toBe('3 min 20 s')
  })
})
