/**
 * @module
 * Who is calling the admin API, and what they may do. The rules are written here once:
 * - `admin`: the token carries the `admin` scope AND the user is an administrator → everything;
 * - `read`: `admin:read` (same condition) → read everything, change nothing;
 * - `viewer`: any other user token with `read_user` (or `api`) → their own applications, grants
 *   and tokens; changes need `api` (so an OAuth token holding only `read_user` changes nothing,
 *   checklist M.69).
 * A token without a user (client credentials) or without any of these scopes is refused.
 * A read-only administrator (issue 17) is an administrator for `admin:read`: an `admin` or `admin:read`
 * token of theirs reads everything.
 *
 * Issue 17: a browser session (the console, GraphiQL) is a caller too, without a token: its user's role
 * gives the level (administrator → `admin`, read-only administrator → `read`, anyone else refused), and
 * it must present the CSRF token bound to its cookie (crypto/csrf.ts).
 */
import { checkCsrf } from '../../crypto/csrf.ts'
import type { TokenKind } from '../../crypto/token-values.ts'
import type { ServiceDeps } from '../shared/deps.ts'
import { Forbidden, NotFound } from '../shared/errors.ts'
import type { ScopeService } from '../scopes/scopes.ts'
import type { SessionService } from '../sessions/sessions.ts'
import type { TokenService } from '../tokens/tokens.ts'
import type { User, UserService } from '../users/users.ts'

export type AccessLevel = 'admin' | 'read' | 'viewer'

export interface Actor {
  userId: string
  username: string
  level: AccessLevel
  /** May call mutations at all: admin, or a viewer whose token holds `api`. */
  canWrite: boolean
  /** The token's scopes with everything they imply. */
  scopes: string[]
  /** What the caller presented: a token's row id, or for a browser session (issue 17) the session's id. */
  tokenId: string
  tokenKind: Exclude<TokenKind, 'refresh'> | 'session'
}

export type ActorResult = { ok: true; actor: Actor } | { ok: false; reason: 'invalid_token' | 'insufficient_scope' }
/**
 * A browser session's refusals: `csrf` (the X-Latchkey-CSRF header is missing or not this cookie's),
 * `invalid_token` (no live session: ended, expired, or its user disabled), `insufficient_scope` (the
 * user is not an administrator of either kind).
 */
export type SessionActorResult = ActorResult | { ok: false; reason: 'csrf' }

const READ_SCOPES = ['read_user', 'api', 'admin:read', 'admin']

/** What resolving a caller uses: the token, user and scope operations that hold those rules. */
export interface AccessDeps {
  tokens: Pick<TokenService, 'findActive'>
  users: Pick<UserService, 'findById'>
  scopes: Pick<ScopeService, 'expand'>
  sessions: Pick<SessionService, 'resolve'>
}

/** Resolves a presented bearer token into an Actor (RFC 6750 §3.1 error codes on failure). */
export async function actorForToken({ tokens, users, scopes }: AccessDeps, value: string): Promise<ActorResult> {
  const token = await tokens.findActive(value)
  if (!token || token.kind === 'refresh' || token.userId === null) return { ok: false, reason: 'invalid_token' }
  // RFC 8707 §3 / RFC 9068 §4: a token restricted to a registered resource is not for Latchkey's API.
  if (token.audience !== null) return { ok: false, reason: 'invalid_token' }
  const user = await users.findById(token.userId)
  if (!user || user.disabled) return { ok: false, reason: 'invalid_token' }
  const expanded = await scopes.expand(token.scopes)
  const has = (s: string) => expanded.includes(s)
  if (!READ_SCOPES.some(has)) return { ok: false, reason: 'insufficient_scope' }
  const readsAll = (user.isAdmin || user.isReadOnlyAdmin) && (has('admin:read') || has('admin'))
  const level: AccessLevel = user.isAdmin && has('admin') ? 'admin' : readsAll ? 'read' : 'viewer'
  const canWrite = level === 'admin' || (level === 'viewer' && has('api'))
  return {
    ok: true,
    actor: {
      userId: user.id,
      username: user.username,
      level,
      canWrite,
      scopes: expanded,
      tokenId: token.id,
      tokenKind: token.kind,
    },
  }
}

/**
 * Issue 17: what a browser session of this user may do in the console and /graphql: administrators
 * everything, read-only administrators read; anyone else is refused (undefined).
 */
export function consoleLevel(user: Pick<User, 'isAdmin' | 'isReadOnlyAdmin'>): 'admin' | 'read' | undefined {
  return user.isAdmin ? 'admin' : user.isReadOnlyAdmin ? 'read' : undefined
}

/**
 * Resolves a browser session into an Actor (issue 17): the CSRF token first (checked in constant time
 * against the cookie), then the session and its user's role. The session's scopes are those of the token
 * the same level would need (`admin` or `admin:read`), so every rule written for tokens reads the same.
 */
export async function actorForSession(
  { sessions, scopes }: Pick<AccessDeps, 'sessions' | 'scopes'>,
  cookieValue: string,
  presentedCsrf: string | null | undefined,
): Promise<SessionActorResult> {
  if (!checkCsrf(cookieValue, presentedCsrf)) return { ok: false, reason: 'csrf' }
  const session = await sessions.resolve(cookieValue)
  if (!session) return { ok: false, reason: 'invalid_token' }
  const { user } = session
  const level = consoleLevel(user)
  if (!level) return { ok: false, reason: 'insufficient_scope' }
  return {
    ok: true,
    actor: {
      userId: user.id,
      username: user.username,
      level,
      canWrite: level === 'admin',
      scopes: await scopes.expand([level === 'admin' ? 'admin' : 'admin:read']),
      tokenId: session.id,
      tokenKind: 'session',
    },
  }
}

/** actorForToken and actorForSession bound to the services (`services.admin.access`); no store deps used. */
export function createAccessService(
  _deps: ServiceDeps,
  tokens: TokenService,
  users: UserService,
  scopes: ScopeService,
  sessions: SessionService,
) {
  const d: AccessDeps = { tokens, users, scopes, sessions }
  return {
    actorForToken: (value: string) => actorForToken(d, value),
    actorForSession: (cookieValue: string, presentedCsrf: string | null | undefined) =>
      actorForSession(d, cookieValue, presentedCsrf),
  }
}
export type AccessService = ReturnType<typeof createAccessService>

/** Sees everything (admin and admin:read). */
export function seesAll(actor: Actor): boolean {
  return actor.level !== 'viewer'
}

/** The owner a viewer's lists are narrowed to; undefined for those who see everything. */
export function narrowTo(actor: Actor): string | undefined {
  return seesAll(actor) ? undefined : actor.userId
}

export function assertCanWrite(actor: Actor): void {
  if (!actor.canWrite)
    throw new Forbidden(
      actor.level === 'read'
        ? 'admin:read may read but not change anything'
        : 'this token may not change anything (it needs the api or admin scope)',
    )
}

export function assertAdmin(actor: Actor, field?: string): void {
  assertCanWrite(actor)
  if (actor.level !== 'admin') throw new Forbidden('only an administrator (admin scope) may do this', field)
}

/**
 * A viewer acting on someone else's object is told it does not exist, exactly as for an unknown
 * id, so ids cannot be probed (checklist M.69).
 */
export function assertMay(actor: Actor, ownerIds: ReadonlyArray<string | null>, what: string, field = 'id'): void {
  if (seesAll(actor) || ownerIds.includes(actor.userId)) return
  throw new NotFound(`no ${what} with this id`, field)
}
