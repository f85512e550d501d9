/**
 * @module
 * Whether a browser request comes from Latchkey's own pages. Browsers say where a request comes from in
 * `Sec-Fetch-Site` (Fetch Metadata) and `Origin` (RFC 6454 §7); a request with neither is a non-browser
 * client or an old browser, and only the CSRF token applies. Used by the pages' form posts
 * (http/origin.ts) and by /graphql for a browser session (graphql/http.ts, issue 17).
 */
import type { RequestContext } from './context.ts'

/**
 * Fetch Metadata values of a request the user or our own page made; `same-site` (a sibling
 * subdomain) is another origin.
 */
const OWN_FETCH_SITES = new Set(['same-origin', 'none'])

/**
 * `Sec-Fetch-Site`, when sent, decides: only the browser sets it (a page's script cannot), and `Origin`
 * cannot decide for our own pages, which all have `Referrer-Policy: no-referrer`: under that policy a
 * browser sends `Origin: null` on a same-origin POST (Fetch, "serialize a request origin"), so Chromium
 * signing in from /login or the console posting to /graphql says `Origin: null` and
 * `Sec-Fetch-Site: same-origin`. Without Fetch Metadata, `Origin` must be ours when present.
 */
export function fromOwnSite(ctx: RequestContext<unknown>): boolean {
  const site = ctx.request.headers.get('sec-fetch-site')
  if (site !== null) return OWN_FETCH_SITES.has(site.trim().toLowerCase())
  const origin = ctx.request.headers.get('origin')
  if (origin === null) return true
  // "null" is an opaque origin (a sandboxed frame, a data: URL, some redirects): never ours.
  return origin === new URL(ctx.config.issuer).origin || origin === ctx.url.origin
}
