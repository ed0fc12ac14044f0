import { describe, expect, it } from 'vitest'
import { parseRange, rangeResponse } from './files'

describe('parseRange', () => {
  it('reads the usual forms', () => {
    expect(parseRange('bytes=0-99', 1000)).toEqual({ start: 0, end: 99 })
    expect(parseRange('bytes=900-', 1000)).toEqual({ start: 900, end: 999 })
    expect(parseRange('bytes=-100', 1000)).toEqual({ start: 900, end: 999 })
    expect(parseRange('bytes=0-5000', 1000)).toEqual({ start: 0, end: 999 })
  })
  it('refuses what cannot be satisfied', () => {
    expect(parseRange('bytes=1000-', 1000)).toBeNull()
    expect(parseRange('bytes=5-1', 1000)).toBeNull()
    expect(parseRange('items=0-1', 1000)).toBeNull()
    expect(parseRange('bytes=0-1,5-6', 1000)).toBeNull()
  })
})

describe('rangeResponse', () => {
  it('answers 206 with the slice from the full cached body', async () => {
    const full = new Response('0123456789', { headers: { 'Content-Type': 'video/mp4' } })
    const res = await rangeResponse(full, 'bytes=2-5')
    expect(res.status).toBe(206)
    expect(res.headers.get('Content-Range')).toBe('bytes 2-5/10')
    expect(res.headers.get('Content-Type')).toBe('video/mp4')
    expect(await res.text()).toBe('2345')
  })
  it('answers 416 outside the file', async () => {
    const res = await rangeResponse(new Response('0123'), 'bytes=10-')
    expect(res.status).toBe(416)
  })
})
