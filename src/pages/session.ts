/** @module Pages that need a signed-in user: the session, its CSRF token, or a redirect to /login. */
import type { Reply, RequestContext } from '../handler/context.ts'
import { FormExpired } from '../handler/errors.ts'
import type { Port } from '../services/index.ts'
import type { Session } from '../services/sessions/sessions.ts'
import { checkCsrf, csrfToken } from '../crypto/csrf.ts'
import { SESSION_COOKIE } from './handlers.ts'

export type SignedIn = { session: Session; csrf: string } | { reply: Reply }

/** The session, or a redirect to the login page that comes back here (GET) or to `returnTo`. */
export async function requireSignedIn(
  ctx: RequestContext<Port<{ sessions: 'resolve' }>>,
  returnTo = ctx.url.pathname + ctx.url.search,
): Promise<SignedIn> {
  const cookie = ctx.cookies.get(SESSION_COOKIE)
  const session = await ctx.services.sessions.resolve(cookie)
  if (!session)
    return { reply: { type: 'redirect', status: 303, location: `/login?return_to=${encodeURIComponent(returnTo)}` } }
  return { session, csrf: csrfToken(cookie!) }
}

/**
 * For form POSTs (their routes check first that they come from our own pages): the session and a
 * valid CSRF token bound to it, or FormExpired (RFC 6749 §10.12). Each form posts to its page's path
 * or to a /decision or /revoke under it, which is where starting again begins.
 */
export async function requireSignedInForm(
  ctx: RequestContext<Port<{ sessions: 'resolve' }>>,
  presentedCsrf: string | undefined,
): Promise<{ session: Session; csrf: string }> {
  const cookie = ctx.cookies.get(SESSION_COOKIE)
  const session = await ctx.services.sessions.resolve(cookie)
  if (!session || !checkCsrf(cookie, presentedCsrf))
    throw new FormExpired(ctx.url.pathname.replace(/\/(decision|revoke)$/, ''))
  return { session, csrf: csrfToken(cookie!) }
}
