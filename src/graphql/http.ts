/**
 * @module
 * POST|GET /graphql. The caller is authenticated before yoga runs: a bearer token issued by
 * Latchkey (an OAuth access token or a personal access token), in the Authorization header as
 * `Bearer <token>` or as Basic `<token>:x-oauth-basic`. Without one: 401 with a challenge
 * (RFC 6750 §3, checklist M.68), so no schema, suggestion or data reaches unauthenticated callers.
 *
 * Issue 17: without an Authorization header, a browser session (the session cookie) authenticates the
 * admin console and GraphiQL, under a CSRF rule, because a cookie rides along on requests other sites
 * make: the request must be a POST of `application/json` (or a GET, which yoga runs for queries only,
 * never mutations), carry `X-Latchkey-CSRF` equal to the token bound to the cookie, and come from this
 * instance's own origin (`Origin`, `Sec-Fetch-Site`). Other sites cannot meet it: a form or a "simple"
 * fetch cannot send that header or that content type, and a cross-site fetch that sends them needs a CORS
 * preflight, which allows only Authorization and Content-Type (http/headers.ts) and never credentials.
 * A bearer token, when present, wins and the cookie is not read.
 */
import type { Reply, RequestContext } from '../handler/context.ts'
import type { Port } from '../services/index.ts'
import type { ResolverPorts } from './context.ts'
import { AccessDenied, InsufficientScope, InvalidToken, MissingToken, type OAuthError } from '../handler/errors.ts'
import { fromOwnSite } from '../handler/same-origin.ts'
import { SESSION_COOKIE } from '../services/sessions/sessions.ts'
import type { Actor } from '../services/admin/access.ts'
import { yogaFor } from './yoga.ts'

const MAX_TOKEN_LENGTH = 256

function presentedToken(request: Request): string | undefined {
  const header = request.headers.get('authorization')
  if (!header || header.length > MAX_TOKEN_LENGTH + 20) return undefined
  const bearer = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header)
  if (bearer) return bearer[1]
  const basic = /^Basic +([A-Za-z0-9+/]+=*) *$/i.exec(header)
  if (!basic) return undefined
  const decoded = Buffer.from(basic[1]!, 'base64').toString()
  const colon = decoded.lastIndexOf(':')
  return colon > 0 && decoded.slice(colon + 1) === 'x-oauth-basic' ? decoded.slice(0, colon) : undefined
}

const AUTHENTICATE = 'authentication required: send a Latchkey access token as a Bearer token'

/**
 * RFC 6750 §3.1: no token → challenge only; a bad token → invalid_token; too little scope → 403.
 * Thrown, so the one error renderer (http/render-error.ts) answers in GraphQL's shape.
 */
function refused(reason: 'missing' | 'invalid_token' | 'insufficient_scope'): OAuthError {
  if (reason === 'missing') return new MissingToken(AUTHENTICATE)
  if (reason === 'invalid_token') return new InvalidToken(AUTHENTICATE)
  return new InsufficientScope('the token needs read_user, api, admin:read or admin')
}

/** The header the console and GraphiQL send with a browser session: csrfToken(session cookie). */
export const CSRF_HEADER = 'X-Latchkey-CSRF'

/** 403 in GraphQL's shape (`FORBIDDEN`): a browser session's request that breaks the CSRF rule, or a non-admin. */
export class SessionRefused extends AccessDenied {
  override readonly status = 403
}

const ENDED = 'the browser session has ended or is not valid: sign in again at /login'

/** The media type of the request's body, lower case, without parameters. */
function mediaType(request: Request): string {
  return (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase()
}

/**
 * Issue 17, the CSRF rule for a browser session (see the module comment): own origin, POST with
 * application/json or GET, the X-Latchkey-CSRF header bound to this cookie; then a live session of an
 * administrator or read-only administrator.
 */
async function sessionActor(ctx: RequestContext<GraphQLEndpointPorts>, cookie: string): Promise<Actor> {
  if (!fromOwnSite(ctx)) throw new SessionRefused('a browser session may call /graphql only from this site')
  if (ctx.method === 'POST' && mediaType(ctx.request) !== 'application/json')
    throw new SessionRefused('with a browser session, POST /graphql needs Content-Type: application/json')
  const result = await ctx.services.admin.access.actorForSession(cookie, ctx.request.headers.get(CSRF_HEADER))
  if (result.ok) return result.actor
  if (result.reason === 'csrf')
    throw new SessionRefused(`with a browser session, /graphql needs the ${CSRF_HEADER} header of the session`)
  if (result.reason === 'invalid_token') throw new InvalidToken(ENDED)
  throw new SessionRefused('only administrators and read-only administrators may use /graphql from a browser')
}

/** The endpoint's port: authentication (admin.access), then what it hands the resolvers. */
export type GraphQLEndpointPorts = ResolverPorts & Port<{ admin: 'access' }>

export async function graphql(ctx: RequestContext<GraphQLEndpointPorts>): Promise<Reply> {
  // Issue 17: GraphiQL lives at /admin/graphiql now, served from the binary under the console's rules.
  if (wantsGraphiQL(ctx)) return { type: 'redirect', status: 303, location: '/admin/graphiql' }
  const actor = await authenticate(ctx)
  const noteFault = (reason: string) => {
    ctx.log.error = 'temporarily_unavailable'
    ctx.log.fault = reason
  }
  const noteDefect = (error: unknown) => {
    ctx.defect ??= error
  }
  const response = await yogaFor(ctx.config).fetch(ctx.request, {
    services: ctx.services,
    actor,
    ip: ctx.ip,
    noteFault,
    noteDefect,
  })
  return { type: 'response', response }
}

/** A browser opening /graphql without a token, when `--graphiql` serves GraphiQL. */
function wantsGraphiQL(ctx: RequestContext<unknown>): boolean {
  return (
    ctx.method === 'GET' &&
    ctx.config.graphiql &&
    !ctx.request.headers.has('authorization') &&
    (ctx.request.headers.get('accept') ?? '').includes('text/html')
  )
}

/** The caller: a bearer token's, else a browser session's. */
async function authenticate(ctx: RequestContext<GraphQLEndpointPorts>): Promise<Actor> {
  const value = presentedToken(ctx.request)
  if (value !== undefined) {
    const result = await ctx.services.admin.access.actorForToken(value)
    if (!result.ok) throw refused(result.reason)
    return result.actor
  }
  // An Authorization header that holds no token is a failed bearer attempt, not a reason to read the cookie.
  const cookie = ctx.request.headers.has('authorization') ? undefined : ctx.cookies.get(SESSION_COOKIE)
  if (cookie === undefined) throw refused('missing')
  return sessionActor(ctx, cookie)
}
