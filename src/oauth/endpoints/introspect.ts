/**
 * @module
 * POST /oauth/introspect (RFC 7662): for authenticated clients. A client sees its own tokens; only
 * an application with the introspection permission (a resource server) sees everyone's.
 */
import type { Reply, RequestContext } from '../../handler/context.ts'
import type { Port } from '../../services/index.ts'
import { groupsClaim } from '../../oidc/claims.ts'
import { authenticateClient, type ClientAuthPorts } from '../client-auth.ts'
import { InvalidClient, InvalidRequest, TooManyRequests } from '../../handler/errors.ts'

/** The services introspection uses. */
export type IntrospectPorts = ClientAuthPorts & Port<{ tokens: 'findActive'; groups: 'namesForUser' }>

export async function introspect(ctx: RequestContext<IntrospectPorts>): Promise<Reply> {
  const params = ctx.body
  const { client, method } = await authenticateClient(ctx.services, ctx.request, params, ctx.ip)
  ctx.log.clientId = client.clientId
  // §2.1: the endpoint MUST require authorization, against token scanning.
  if (method === 'none') throw new InvalidClient('introspection requires client authentication')
  if (!params.token) throw new InvalidRequest('token is required')
  const token = await ctx.services.tokens.findActive(params.token)
  // §2.2: inactive, unknown and not-yours all answer exactly {"active": false}.
  if (!token || (!client.canIntrospect && token.applicationId !== client.id)) {
    // §4: a client fishing with many unknown tokens is slowed down before it can scan the store.
    const wait = await ctx.services.rateLimits.hit('introspectionMissPerClient', client.id)
    if (wait > 0) throw new TooManyRequests('too many introspections of inactive tokens; try again later', wait)
    return { type: 'json', body: { active: false } }
  }
  // §2.2 allows other claims; issue 16: the user's groups, only for a token that was granted the groups scope.
  const groups = token.userId === null ? undefined : await groupsClaim(ctx.services, token.userId, token.scopes)
  return {
    type: 'json',
    body: {
      active: true,
      scope: token.scopes.join(' '),
      client_id: token.clientId ?? undefined,
      username: token.username ?? undefined,
      token_type: token.kind === 'refresh' ? 'refresh_token' : 'Bearer',
      exp: token.expiresAt ?? undefined,
      iat: token.createdAt,
      sub: token.userId ?? token.clientId ?? undefined,
      // RFC 8707 §2 / RFC 7662 §2.2: a resource's token names the resource; Latchkey's own, the client.
      aud: token.audience ?? token.clientId ?? undefined,
      iss: ctx.config.issuer,
      groups,
    },
  }
}
