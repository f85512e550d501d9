/** @module GET|POST /oauth/userinfo (OIDC Core §5.3): claims released by the token's scopes. */
import type { Reply, RequestContext } from '../../handler/context.ts'
import type { Port } from '../../services/index.ts'
import { claimsFor, groupsClaim } from '../../oidc/claims.ts'
import { extractBearer, requireAccessToken, type BearerPorts } from '../bearer.ts'
import { InsufficientScope, InvalidToken } from '../../handler/errors.ts'

/** The services userinfo uses. */
export type UserinfoPorts = BearerPorts & Port<{ users: 'findById'; groups: 'namesForUser' }>

export async function userinfo(ctx: RequestContext<UserinfoPorts>): Promise<Reply> {
  const token = await requireAccessToken(ctx.services, extractBearer(ctx.request, ctx.query, ctx.body), ctx.ip)
  // §5.3.1: userinfo needs a user's token carrying openid.
  if (token.userId === null || !token.scopes.includes('openid'))
    throw new InsufficientScope('the access token does not carry the openid scope')
  const user = await ctx.services.users.findById(token.userId)
  if (!user) throw new InvalidToken('the access token is invalid, expired or revoked')
  return { type: 'json', body: claimsFor(user, token.scopes, await groupsClaim(ctx.services, user.id, token.scopes)) }
}
