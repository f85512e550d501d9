/**
 * @module
 * POST|GET /graphql. The caller is authenticated before yoga runs: a bearer token issued by
 * Latchkey (an OAuth access token or a personal access token), in the Authorization header as
 * `Bearer <token>` or as Basic `<token>:x-oauth-basic`. Without one: 401 with a challenge
 * (RFC 6750 §3, checklist M.68), so no schema, suggestion or data reaches unauthenticated callers.
 */
import type { Reply, RequestContext } from '../handler/context.ts'
import type { Port } from '../services/index.ts'
import type { ResolverPorts } from './context.ts'
import { InsufficientScope, InvalidToken, MissingToken, type OAuthError } from '../handler/errors.ts'
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

/** The endpoint's port: authentication (admin.access), then what it hands the resolvers. */
export type GraphQLEndpointPorts = ResolverPorts & Port<{ admin: 'access' }>

export async function graphql(ctx: RequestContext<GraphQLEndpointPorts>): Promise<Reply> {
  const value = presentedToken(ctx.request)
  if (value === undefined) {
    // GraphiQL's page itself carries no data; its requests still need a token.
    const wantsPage =
      ctx.method === 'GET' && ctx.config.graphiql && (ctx.request.headers.get('accept') ?? '').includes('text/html')
    if (!wantsPage) throw refused('missing')
    return { type: 'response', response: await yogaFor(ctx.config).fetch(ctx.request, {}) }
  }
  const result = await ctx.services.admin.access.actorForToken(value)
  if (!result.ok) throw refused(result.reason)
  const noteFault = (reason: string) => {
    ctx.log.error = 'temporarily_unavailable'
    ctx.log.fault = reason
  }
  const noteDefect = (error: unknown) => {
    ctx.defect ??= error
  }
  const response = await yogaFor(ctx.config).fetch(ctx.request, {
    services: ctx.services,
    actor: result.actor,
    ip: ctx.ip,
    noteFault,
    noteDefect,
  })
  return { type: 'response', response }
}
