/** @module POST /oauth/revoke (RFC 7009 §2): a client revokes its own tokens; 200 whatever the token. */
import type { Reply, RequestContext } from '../../handler/context.ts'
import { authenticateClient } from '../client-auth.ts'
import { InvalidRequest } from '../../handler/errors.ts'

export async function revoke(ctx: RequestContext): Promise<Reply> {
  const params = ctx.body
  const { client } = await authenticateClient(ctx.services, ctx.request, params, ctx.ip)
  ctx.log.clientId = client.clientId
  if (!params.token) throw new InvalidRequest('token is required')
  // §2.2: unknown, invalid or foreign tokens still get 200; the hint is only a hint (§2.1).
  await ctx.services.tokens.revoke(params.token, client)
  return { type: 'json', body: {} }
}
