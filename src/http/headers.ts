/** @module Response headers shared by every page and API answer. */
import type { Headers } from '../handler/context.ts'

/** RFC 9700 §4.16, RFC 6749 §10.13: pages are never framed, load nothing third-party, run no script. */
export const PAGE_HEADERS: Headers = [
  [
    'Content-Security-Policy',
    "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'",
  ],
  ['X-Frame-Options', 'DENY'],
  ['Referrer-Policy', 'no-referrer'],
  ['X-Content-Type-Options', 'nosniff'],
  ['Cache-Control', 'no-store'],
]

/** RFC 6749 §5.1: responses carrying tokens or secrets are never cached. */
export const NO_STORE: Headers = [
  ['Cache-Control', 'no-store'],
  ['Pragma', 'no-cache'],
]

/**
 * CORS for the token-facing API (RFC 9700 §2.6 allows it there, not at /authorize). No cookies are
 * read on these endpoints, so `*` without credentials is safe and needs no `Vary: Origin`.
 */
export const CORS_HEADERS: Headers = [
  ['Access-Control-Allow-Origin', '*'],
  ['Access-Control-Expose-Headers', 'WWW-Authenticate, X-Request-Id'],
]

/**
 * Issue 17: the allowed request headers stay exactly Authorization and Content-Type. /graphql also
 * accepts a browser session when the request carries X-Latchkey-CSRF (graphql/http.ts); a cross-site
 * page can send that header only through a preflight, which must never allow it (nor credentials), so
 * no other site can make a request that passes the CSRF rule. test/graphql/session.test.ts checks this.
 */
export const CORS_PREFLIGHT_HEADERS: Headers = [
  ...CORS_HEADERS,
  ['Access-Control-Allow-Methods', 'GET, POST, OPTIONS'],
  ['Access-Control-Allow-Headers', 'Authorization, Content-Type'],
  ['Access-Control-Max-Age', '600'],
]
