import { describe, expect, it, vi } from 'vitest'
import { keyBytes, OPEN_MESSAGE, sameKey } from '../offline/push-wire'
import { appPathFor, notificationFor, openFromNotification, parsePoke, type WindowLike } from './push'

const ORIGIN = 'https://strang.example'

function fakeClients(urls: string[]) {
  const windows = urls.map((url) => ({ url, focus: vi.fn(async () => undefined), postMessage: vi.fn() }) satisfies WindowLike)
  const clients = {
    matchAll: vi.fn(async () => windows),
    openWindow: vi.fn(async () => null),
  }
  return { clients, windows }
}

describe('payloads', () => {
  it('shows the poke with icon, badge, its type as tag and the screen to open', () => {
    const poke = parsePoke(JSON.stringify({ type: 'new_leads', target_id: 'L1', title: 'New brief: Bäckerei', body: 'Tomorrow 9:00', url: '/lead/L1' }))
    expect(notificationFor(poke)).toEqual({
      title: 'New brief: Bäckerei',
      options: {
        body: 'Tomorrow 9:00',
        icon: '/icons/icon-192.png',
        badge: '/icons/badge-96.png',
        tag: 'new_leads',
        renotify: true,
        data: { url: '/lead/L1', type: 'new_leads' },
      },
    })
  })

  it('an empty or broken payload still gives a notification', () => {
    for (const text of [null, '', 'not json', '42', '{"title": 7}']) {
      const { title, options } = notificationFor(parsePoke(text))
      expect(title).toBe('Strang')
      expect(options.data.url).toBe('/')
    }
  })

  it('maps the server URLs to screens of the rep app, and nothing off-site', () => {
    expect(appPathFor('/lead/3f1c-aa')).toBe('/lead/3f1c-aa')
    expect(appPathFor('/campaign/c1')).toBe('/campaign/c1')
    expect(appPathFor('/campaign/c1/x')).toBe('/')
    expect(appPathFor('/signal/s1')).toBe('/signals')
    expect(appPathFor('/')).toBe('/')
    expect(appPathFor('https://evil.example/lead/1')).toBe('/')
    expect(appPathFor('//evil.example/lead/1')).toBe('/')
    expect(appPathFor('/lead/1/../../console')).toBe('/')
    expect(appPathFor('/console/')).toBe('/')
  })

  it('compares subscription keys byte by byte', () => {
    const key = 'BAECAw'
    expect(sameKey(keyBytes(key).buffer, key)).toBe(true)
    expect(sameKey(keyBytes('BAECBA').buffer, key)).toBe(false)
    expect(sameKey(null, key)).toBe(false)
  })
})

describe('notification click', () => {
  it('focuses an open window of the app and asks it to sync and show the screen', async () => {
    const { clients, windows } = fakeClients([`${ORIGIN}/console/`, `${ORIGIN}/settings`])
    await openFromNotification({ url: '/lead/L1' }, clients, ORIGIN)
    expect(windows[1]!.focus).toHaveBeenCalled()
    expect(windows[1]!.postMessage).toHaveBeenCalledWith({ type: OPEN_MESSAGE, path: '/lead/L1' })
    expect(windows[0]!.postMessage).not.toHaveBeenCalled()
    expect(clients.openWindow).not.toHaveBeenCalled()
  })

  it('opens the screen each kind of notice is about', async () => {
    for (const [url, path] of [
      ['/lead/L1', '/lead/L1'],
      ['/campaign/C1', '/campaign/C1'],
      ['/signal/S1', '/signals'],
      ['/', '/'],
    ]) {
      const { clients } = fakeClients([])
      await openFromNotification(notificationFor(parsePoke(JSON.stringify({ type: 'x', url }))).options.data, clients, ORIGIN)
      expect(clients.openWindow).toHaveBeenCalledWith(path)
    }
  })

  it('opens a new window at the screen when the app is not open', async () => {
    const { clients } = fakeClients([`${ORIGIN}/console/leads`, 'https://other.example/'])
    await openFromNotification({ url: '/signal/s1' }, clients, ORIGIN)
    expect(clients.openWindow).toHaveBeenCalledWith('/signals')
  })

  it('still moves the window when focusing is refused', async () => {
    const { clients, windows } = fakeClients([`${ORIGIN}/`])
    windows[0]!.focus.mockRejectedValueOnce(new Error('not allowed'))
    await openFromNotification(null, clients, ORIGIN)
    expect(windows[0]!.postMessage).toHaveBeenCalledWith({ type: OPEN_MESSAGE, path: '/' })
  })
})
