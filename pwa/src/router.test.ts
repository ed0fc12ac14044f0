import { describe, expect, it } from 'vitest'
import { isAppPath, matchPath } from './router'

describe('matchPath', () => {
  it('matches static and parameter segments', () => {
    expect(matchPath('/', '/')).toEqual({})
    expect(matchPath('/signals', '/signals/')).toEqual({})
    expect(matchPath('/lead/:id', '/lead/7f3a')).toEqual({ id: '7f3a' })
    expect(matchPath('/lead/:id', '/lead/a%20b')).toEqual({ id: 'a b' })
  })

  it('rejects other shapes', () => {
    expect(matchPath('/lead/:id', '/lead')).toBeNull()
    expect(matchPath('/lead/:id', '/lead/1/x')).toBeNull()
    expect(matchPath('/signals', '/summary')).toBeNull()
    expect(matchPath('/lead/:id', '/lead/%E0%A4%A')).toBeNull()
  })
})

describe('isAppPath', () => {
  it('keeps the console and the service out of the rep app', () => {
    expect(isAppPath('/lead/1')).toBe(true)
    expect(isAppPath('/console/')).toBe(false)
    expect(isAppPath('/console')).toBe(false)
    expect(isAppPath('/api/v1/me')).toBe(false)
    expect(isAppPath('/healthz')).toBe(false)
  })
})
