/**
 * @module
 * POST /oauth/token and /login/oauth/access_token (RFC 6749 §3.2): form or JSON body, client
 * authentication, then the grant named by grant_type.
 */
import type { Reply, RequestContext } from '../../handler/context.ts'
import { authenticateClient, type ClientAuthPorts } from '../client-auth.ts'
import { InvalidClient, InvalidRequest, UnsupportedGrantType } from '../../handler/errors.ts'
import { GRANTS, type GrantPorts } from '../grants/index.ts'

/** Parameters that must never travel in a URI (RFC 6749 §2.3.1, RFC 6819 §4.6.7). */
const NEVER_IN_QUERY = ['client_secret', 'code', 'refresh_token', 'password', 'code_verifier', 'access_token']

/** The token endpoint's port: client authentication and what the registered grants use. */
export type TokenEndpointPorts = ClientAuthPorts & GrantPorts

export async function token(ctx: RequestContext<TokenEndpointPorts>): Promise<Reply> {
  if (NEVER_IN_QUERY.some((p) => p in ctx.query))
    throw new InvalidRequest('credentials must be sent in the request body, not the URI')
  const params = ctx.body
  const { client, method } = await authenticateClient(ctx.services, ctx.request, params, ctx.ip)
  ctx.log.clientId = client.clientId
  if (!params.grant_type) throw new InvalidRequest('grant_type is required')
  const grant = GRANTS.get(params.grant_type)
  if (!grant) throw new UnsupportedGrantType('unsupported grant_type')
  ctx.log.grantType = grant.grantType
  if (method === 'none' && !grant.allowsPublicClients)
    throw new InvalidClient('this grant requires client authentication')
  const parsed = grant.params.safeParse(params)
  if (!parsed.success) throw new InvalidRequest(parsed.error.issues[0]!.message)
  const body = await grant.handle({
    client,
    params: parsed.data,
    services: ctx.services,
    config: ctx.config,
    clock: ctx.clock,
    ip: ctx.ip,
  })
  return { type: 'json', body }
}
