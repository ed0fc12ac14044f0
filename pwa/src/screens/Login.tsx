import { useEffect, useRef, useState } from 'preact/hooks'
import { fetchLoginOptions, login, ssoStartUrl, type LoginOptions } from '../api/auth'
import { t } from '../i18n'
import { useLanguage } from '../i18n/hook'
import type { SessionUser } from '../offline/session'
import { LanguageSwitch } from './LanguageSwitch'
import { loginErrorMessage, ssoErrorMessage, takeSsoError } from './login-errors'

interface Props {
  /** Makes the phone the user's (see claimDevice) and shows the app; the form stays busy meanwhile. */
  onLoggedIn: (user: SessionUser) => void | Promise<void>
  /** Shown above the form, e.g. when the server could not be reached at start-up. */
  notice?: string
}

export function Login({ onLoggedIn, notice }: Props) {
  useLanguage()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(() => {
    const code = takeSsoError()
    return code === null ? null : ssoErrorMessage(code)
  })
  // Until the server says otherwise (or when it cannot be reached): the password form alone.
  const [options, setOptions] = useState<LoginOptions>({ password_login: true, sso: null })
  useEffect(() => {
    fetchLoginOptions().then((o) => typeof o.password_login === 'boolean' && setOptions(o), () => undefined)
  }, [])
  const [showPassword, setShowPassword] = useState(false)
  const email = useRef<HTMLInputElement>(null)
  const password = useRef<HTMLInputElement>(null)

  const passwordProps = { ref: password, id: 'password', name: 'password', autocomplete: 'current-password', required: true }

  async function submit(e: Event) {
    e.preventDefault()
    if (busy) return
    setBusy(true)
    setError(null)
    try {
      const user = await login(email.current!.value.trim(), password.current!.value)
      await onLoggedIn(user)
    } catch (err) {
      setError(loginErrorMessage(err))
      password.current?.select()
    } finally {
      setBusy(false)
    }
  }

  const errorLine = (
    <p id="login-error" class="error" role="alert" aria-live="assertive">
      {error}
    </p>
  )
  return (
    <main class="screen login">
      <header class="login-head">
        <img src="/icons/icon-192.png" width="56" height="56" alt="" />
        <h1>{t('app.name')}</h1>
        <p class="muted">{t('login.intro')}</p>
      </header>
      <form onSubmit={submit} noValidate={false} aria-describedby={error ? 'login-error' : undefined}>
        <h2>{t('login.title')}</h2>
        {notice && !error && <p class="notice">{notice}</p>}
        {options.sso && (
          // a navigation, not a call: the provider's page comes next, then the app, logged in
          <a class="button primary sso" href={ssoStartUrl(location.pathname)}>
            {t('login.sso', { name: options.sso.name })}
          </a>
        )}
        {!options.password_login && errorLine}
        {options.password_login && (
          <>
            {options.sso && <p class="muted or">{t('login.orPassword')}</p>}
            <label for="email">{t('login.email')}</label>
            <input ref={email} id="email" name="email" type="email" inputMode="email" autocomplete="username" autocapitalize="none" spellcheck={false} required />
            <label for="password">{t('login.password')}</label>
            {/* Same DOM node either way (same position and tag), so the typed value stays. */}
            {showPassword ? <input {...passwordProps} type="text" /> : <input {...passwordProps} type="password" />}
            <label class="check">
              <input type="checkbox" checked={showPassword} onChange={(e) => setShowPassword((e.currentTarget as HTMLInputElement).checked)} />
              {t('login.showPassword')}
            </label>
            {errorLine}
            <button type="submit" class={options.sso ? 'secondary' : 'primary'} disabled={busy}>
              {busy ? t('login.submitting') : t('login.submit')}
            </button>
          </>
        )}
      </form>
      <footer class="login-foot">
        <LanguageSwitch />
      </footer>
    </main>
  )
}
