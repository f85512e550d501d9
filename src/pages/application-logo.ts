/**
 * @module
 * Issue 17: which application logos the sign-in and device pages show (the consent page shows a registered
 * client's https logo under a CSP made for it, issue 18). Only same-origin ones: the page CSP stays
 * `img-src 'self'` (http/headers.ts). A remote logo would need the CSP to name its host per page and
 * would tell that host who is signing in, and when; a data: URI would need `img-src data:` on every
 * page. Neither is worth weakening the sign-in pages for; no logo is shown instead.
 */

/**
 * The logo URL to render (a same-origin path), or undefined. `logoUri` is the Application's optional
 * field (RFC 7591 §2 `logo_uri`), read structurally so pages work with or without it.
 */
export function sameOriginLogo(application: object, issuer: string): string | undefined {
  const uri = 'logoUri' in application ? application.logoUri : undefined
  if (typeof uri !== 'string' || !uri) return undefined
  let url: URL
  try {
    url = new URL(uri, issuer)
  } catch {
    return undefined
  }
  if (url.origin !== new URL(issuer).origin) return undefined
  return url.pathname + url.search
}
