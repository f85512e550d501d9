/**
 * @module
 * CSRF tokens bound to a cookie the browser holds (the session cookie once logged in, a pre-login
 * cookie on the login form), so a token from another session never validates (RFC 6749 §10.12).
 * Here rather than in pages/ because the admin API checks the same token for a browser session
 * (services/admin/access.ts, issue 17).
 */
import { safeEqual, sha256Base64Url } from './secrets.ts'

export function csrfToken(cookieValue: string): string {
  return sha256Base64Url(`latchkey-csrf|${cookieValue}`)
}

/** Constant-time: the presented token is compared with the one the cookie gives. */
export function checkCsrf(cookieValue: string | undefined, presented: string | undefined | null): boolean {
  if (!cookieValue || !presented) return false
  return safeEqual(csrfToken(cookieValue), presented)
}
