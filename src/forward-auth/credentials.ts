/**
 * @module
 * Who is asking, for forward auth (issue 16): a bearer token (RFC 6750 §2.1), HTTP Basic whose
 * password is a Latchkey access or personal token and whose username is anything (seed 002: git
 * sends `oauth2:<token>`), or the browser's Latchkey session cookie, in that order. Tokens are looked
 * up as userinfo and introspection look them up, so a revoked token stops working at once.
 */
import type { RequestContext } from '../handler/context.ts'
import { InvalidToken, TooManyRequests } from '../handler/errors.ts'
import { requireAccessToken, type BearerPorts } from '../oauth/bearer.ts'
import { SESSION_COOKIE } from '../pages/handlers.ts'
import type { Port } from '../services/index.ts'
import type { User } from '../services/users/users.ts'

/** What a presented credential is: nothing, a token (either header), the session cookie, or unreadable. */
export type Presented =
  | { kind: 'none' }
  | { kind: 'token'; value: string }
  | { kind: 'session'; value: string }
  | { kind: 'malformed'; reason: string }

/**
 * Who passed: the user, their groups, and the token's scopes with those they imply (`null` for a
 * session, which holds none).
 */
export interface Identity {
  user: User
  groups: readonly string[]
  scopes: readonly string[] | null
}

/**
 * Who a credential names: someone; nobody (401: with what was presented, and a wait when too many bad
 * tokens came from this address); or a valid token that acts for no user (403).
 */
export type Resolved =
  | { kind: 'identity'; identity: Identity }
  | { kind: 'unauthenticated'; presented: Presented['kind']; reason: string; retryAfter?: number }
  | { kind: 'no-user'; reason: string }

/** What resolving a credential uses: the token lookup, users, sessions, scopes and group names. */
export type CredentialPorts = BearerPorts &
  Port<{ users: 'findById'; sessions: 'resolve'; scopes: 'expand'; groups: 'namesForUser' }>

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i
const BASIC = /^Basic +([A-Za-z0-9+/]+={0,2}) *$/i

/** The credential a request carries; an Authorization header wins over the cookie, and is never mixed with it. */
export function presented(request: Request, cookies: ReadonlyMap<string, string>): Presented {
  const header = request.headers.get('authorization')
  if (header === null) {
    const session = cookies.get(SESSION_COOKIE)
    return session ? { kind: 'session', value: session } : { kind: 'none' }
  }
  const bearer = BEARER.exec(header)
  if (bearer) return { kind: 'token', value: bearer[1]! }
  const basic = BASIC.exec(header)
  if (!basic) return { kind: 'malformed', reason: 'the Authorization header is neither Bearer nor Basic' }
  const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  // RFC 7617 §2: user-id ":" password; the password is the token, the user-id is not looked at.
  if (colon < 0 || colon === decoded.length - 1)
    return { kind: 'malformed', reason: 'HTTP Basic needs a Latchkey token as its password' }
  return { kind: 'token', value: decoded.slice(colon + 1) }
}

/** Resolves what was presented to an identity, or says why not. */
export async function identify(ctx: RequestContext<CredentialPorts>, credential: Presented): Promise<Resolved> {
  const nobody = (reason: string, retryAfter?: number): Resolved => ({
    kind: 'unauthenticated',
    presented: credential.kind,
    reason,
    ...(retryAfter !== undefined && { retryAfter }),
  })
  if (credential.kind === 'none') return nobody('sign in, or send a Latchkey token')
  if (credential.kind === 'malformed') return nobody(credential.reason)
  if (credential.kind === 'session') {
    const session = await ctx.services.sessions.resolve(credential.value)
    return session ? withGroups(ctx, session.user, null) : nobody('the session has ended; sign in again')
  }
  try {
    const token = await requireAccessToken(ctx.services, credential.value, ctx.ip)
    const user = token.userId === null ? undefined : await ctx.services.users.findById(token.userId)
    if (!user || user.disabled) return { kind: 'no-user', reason: 'forward auth needs a token that acts for a user' }
    // A personal token holds the scopes it was given; what they imply counts too (write_repository ⊃ read_repository).
    return withGroups(ctx, user, await ctx.services.scopes.expand(token.scopes))
  } catch (error) {
    if (error instanceof TooManyRequests) return nobody(error.description, error.retryAfter)
    if (error instanceof InvalidToken) return nobody(error.description)
    throw error
  }
}

async function withGroups(
  ctx: RequestContext<CredentialPorts>,
  user: User,
  scopes: readonly string[] | null,
): Promise<Resolved> {
  return {
    kind: 'identity',
    identity: { user, scopes, groups: await ctx.services.groups.namesForUser(user.id) },
  }
}
