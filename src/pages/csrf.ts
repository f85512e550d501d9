/**
 * @module
 * CSRF tokens bound to a cookie the browser holds (the session cookie once logged in, a pre-login
 * cookie on the login form), so a token from another session never validates (RFC 6749 §10.12).
 */
import { safeEqual, sha256Base64Url } from '../crypto/secrets.ts'

export function csrfToken(cookieValue: string): string {
  return sha256Base64Url(`latchkey-csrf|${cookieValue}`)
}

export function checkCsrf(cookieValue: string | undefined, presented: string | undefined): boolean {
  if (!cookieValue || !presented) return false
  return safeEqual(csrfToken(cookieValue), presented)
}
