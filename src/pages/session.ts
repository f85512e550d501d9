/** @module Pages that need a signed-in user: the session, its CSRF token, or a redirect to /login. */
import type { Reply, RequestContext } from '../handler/context.ts'
import type { Session } from '../services/sessions.ts'
import { checkCsrf, csrfToken } from './csrf.ts'
import { formExpired } from './error.ts'
import { SESSION_COOKIE } from './handlers.ts'
import { refuseCrossSite } from './origin.ts'

export type SignedIn = { session: Session; csrf: string } | { reply: Reply }

/** The session, or a redirect to the login page that comes back here (GET) or to `returnTo`. */
export async function requireSignedIn(ctx: RequestContext, returnTo = ctx.url.pathname + ctx.url.search): Promise<SignedIn> {
  const cookie = ctx.cookies.get(SESSION_COOKIE)
  const session = await ctx.services.sessions.resolve(cookie)
  if (!session) return { reply: { type: 'redirect', status: 303, location: `/login?return_to=${encodeURIComponent(returnTo)}` } }
  return { session, csrf: csrfToken(cookie!) }
}

/**
 * For form POSTs: sent from our own pages, the session and a valid CSRF token bound to it, or the
 * "form expired" page (RFC 6749 §10.12). Each form posts to its page's path or to a /decision or
 * /revoke under it, which is where starting again begins.
 */
export async function requireSignedInForm(ctx: RequestContext, presentedCsrf: string | undefined): Promise<SignedIn> {
  const crossSite = refuseCrossSite(ctx)
  if (crossSite) return { reply: crossSite }
  const cookie = ctx.cookies.get(SESSION_COOKIE)
  const session = await ctx.services.sessions.resolve(cookie)
  if (!session || !checkCsrf(cookie, presentedCsrf)) return { reply: formExpired(ctx.url.pathname.replace(/\/(decision|revoke)$/, '')) }
  return { session, csrf: csrfToken(cookie!) }
}
