// Auth calls of the service, typed from the OpenAPI schema.
import { api, type Ok } from './client'

export type Me = Ok<'/api/v1/me', 'get'>
export type LoginResult = Ok<'/api/v1/auth/login', 'post'>
export type LoginOptions = Ok<'/api/v1/auth/options', 'get'>
export type Role = Me['role']

/** Logs in; the server sets the HttpOnly session cookie. The token in the answer is ignored on purpose. */
export async function login(email: string, password: string): Promise<LoginResult['user']> {
  const result = await api.post('/api/v1/auth/login', { email, password })
  return result.user
}

export function fetchMe(): Promise<Me> {
  return api.get('/api/v1/me')
}

export function logout(): Promise<void> {
  return api.post('/api/v1/auth/logout')
}

/** Where each role works: reps in the app at `/`, marketing and admin in the console. */
export function homeFor(role: Role): '/' | '/console/' {
  return role === 'rep' ? '/' : '/console/'
}

/** How people log in here: with a password, single sign-on, or both (asked before logging in). */
export function fetchLoginOptions(): Promise<LoginOptions> {
  return api.get('/api/v1/auth/options')
}

/** Where the browser goes to sign in at the identity provider; it comes back logged in to `next`. */
export function ssoStartUrl(next: string): string {
  return next === '/' ? '/api/v1/auth/sso/start' : `/api/v1/auth/sso/start?next=${encodeURIComponent(next)}`
}
