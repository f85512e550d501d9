/** @module GET /oauth/token/info: Doorkeeper's token info, in the shape of the GitLab seed. */
import type { Reply, RequestContext } from '../../handler/context.ts'
import { extractBearer, requireAccessToken } from '../bearer.ts'

export async function tokenInfo(ctx: RequestContext): Promise<Reply> {
  const token = await requireAccessToken(ctx.services, extractBearer(ctx.request, ctx.query, undefined), ctx.ip)
  const expiresIn = token.expiresAt === null ? null : token.expiresAt - ctx.services.deps.clock.now()
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
