// @vitest-environment happy-dom
import { render } from 'preact'
import { act } from 'preact/test-utils'
import { describe, expect, it, vi } from 'vitest'
import { setLanguage } from '../i18n'
import { Login } from './Login'
import { json, screenRoot } from '../testing'

const root = screenRoot()

async function submit(email: string, password: string) {
  const form = root.el.querySelector('form')!
  root.el.querySelector<HTMLInputElement>('#email')!.value = email
  root.el.querySelector<HTMLInputElement>('#password')!.value = password
  await act(async () => {
    form.dispatchEvent(new Event('submit', { cancelable: true, bubbles: true }))
  })
  await act(async () => {
    await new Promise((r) => setTimeout(r, 0))
  })
}

/** The login options arrive by fetch: wait for their answer to be rendered (one timer tick is
 * not always enough on a busy machine). */
async function optionsShown() {
  await vi.waitFor(async () => {
    await act(async () => {
      await new Promise((r) => setTimeout(r, 5))
    })
    expect(root.el.querySelector('a.sso')).not.toBeNull()
  })
}

describe('Login screen', () => {
  it('has labelled inputs for email and password', () => {
    render(<Login onLoggedIn={() => {}} />, root.el)
    expect(root.el.querySelector('label[for="email"]')?.textContent).toBe('Email')
    expect(root.el.querySelector<HTMLInputElement>('#email')!.autocomplete).toBe('username')
    expect(root.el.querySelector<HTMLInputElement>('#password')!.type).toBe('password')
  })

  it('hands the user over after a successful login', async () => {
    const user = { id: 'u1', email: 'jana@example.com', name: 'Jana', role: 'rep' }
    vi.stubGlobal('fetch', vi.fn(async () => json(200, { token: 'not-kept', user })))
    const onLoggedIn = vi.fn()
    render(<Login onLoggedIn={onLoggedIn} />, root.el)
    await submit(' jana@example.com ', 'secret')
    expect(onLoggedIn).toHaveBeenCalledWith(user)
    const [url, init] = vi.mocked(fetch).mock.calls.find(([u]) => u === '/api/v1/auth/login')!
    expect(url).toBe('/api/v1/auth/login')
    expect(JSON.parse(String(init!.body))).toEqual({ email: 'jana@example.com', password: 'secret' })
    expect(JSON.stringify({ ...localStorage })).not.toContain('not-kept')
  })

  it('shows the wait time when rate-limited', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => json(429, { detail: 'Too many attempts' }, { 'Retry-After': '600' })))
    const onLoggedIn = vi.fn()
    render(<Login onLoggedIn={onLoggedIn} />, root.el)
    await submit('jana@example.com', 'x')
    expect(root.el.querySelector('[role="alert"]')?.textContent).toBe('Too many attempts, try again in 10 minutes.')
    expect(onLoggedIn).not.toHaveBeenCalled()
  })

  it('says the credentials are wrong on 401, in German too', async () => {
    setLanguage('de')
    vi.stubGlobal('fetch', vi.fn(async () => json(401, { detail: 'Incorrect email or password' })))
    render(<Login onLoggedIn={() => {}} />, root.el)
    await submit('jana@example.com', 'wrong')
    expect(root.el.querySelector('[role="alert"]')?.textContent).toBe('E-Mail oder Passwort ist falsch.')
  })

  it('offers single sign-on by the name of the provider, above the password form', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => json(200, { password_login: true, sso: { name: 'Acme ID' } })))
    render(<Login onLoggedIn={() => {}} />, root.el)
    await optionsShown()
    const link = root.el.querySelector<HTMLAnchorElement>('a.sso')!
    expect(link.textContent).toBe('Sign in with Acme ID')
    expect(link.getAttribute('href')).toBe('/api/v1/auth/sso/start')
    expect(root.el.querySelector('#password')).not.toBeNull()
  })

  it('shows only single sign-on when passwords are switched off', async () => {
    setLanguage('de')
    vi.stubGlobal('fetch', vi.fn(async () => json(200, { password_login: false, sso: { name: 'Acme ID' } })))
    render(<Login onLoggedIn={() => {}} />, root.el)
    await optionsShown()
    expect(root.el.querySelector('a.sso')?.textContent).toBe('Anmelden mit Acme ID')
    expect(root.el.querySelector('#password')).toBeNull()
  })

  it('words a refused sign-on and takes its code out of the address', () => {
    setLanguage('de')
    history.replaceState(null, '', '/?sso_error=sso_email_unverified')
    vi.stubGlobal('fetch', vi.fn(async () => json(503, {})))
    render(<Login onLoggedIn={() => {}} />, root.el)
    expect(root.el.querySelector('[role="alert"]')?.textContent).toBe(
      'Anmeldung abgelehnt: Dein Identitätsanbieter hat deine E-Mail-Adresse nicht bestätigt.',
    )
    expect(location.search).toBe('')
  })

  it('has an English sentence for every refusal code', () => {
    history.replaceState(null, '', '/?sso_error=something_new')
    vi.stubGlobal('fetch', vi.fn(async () => json(503, {})))
    render(<Login onLoggedIn={() => {}} />, root.el)
    expect(root.el.querySelector('[role="alert"]')?.textContent).toBe('Single sign-on failed. Please try again.')
  })
})
