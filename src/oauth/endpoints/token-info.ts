/** @module GET /oauth/token/info: Doorkeeper's token info, in the shape of the GitLab seed. */
import type { Reply, RequestContext } from '../../handler/context.ts'
import type { Port } from '../../services/index.ts'
import { extractBearer, requireAccessToken, type BearerPorts } from '../bearer.ts'

/** The services token info uses. */
export type TokenInfoPorts = BearerPorts

export async function tokenInfo(ctx: RequestContext<TokenInfoPorts>): Promise<Reply> {
  const token = await requireAccessToken(ctx.services, extractBearer(ctx.request, ctx.query, undefined), ctx.ip)
  const expiresIn = token.expiresAt === null ? null : token.expiresAt - ctx.clock.now()
  return {
    type: 'json',
    body: {
      resource_owner_id: token.userId,
      scope: token.scopes,
      expires_in: expiresIn,
      application: token.clientId ? { uid: token.clientId } : null,
      created_at: token.createdAt,
      // Deprecated aliases kept for Doorkeeper/GitLab clients.
      scopes: token.scopes,
      expires_in_seconds: expiresIn,
    },
  }
}
