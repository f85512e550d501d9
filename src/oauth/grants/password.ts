/**
 * @module
 * RFC 6749 §4.3, resource owner password credentials — discouraged (RFC 9700 §2.4), so off unless
 * both the instance and the application enable it. §4.3.2: the server MUST protect against brute
 * force, so failures are counted per username and per IP and every failure looks the same.
 */
import { z } from 'zod'
import { InvalidGrant, InvalidScope, TooManyRequests, UnauthorizedClient } from '../../handler/errors.ts'
import { tokenResponse } from './respond.ts'
import type { GrantContext, GrantHandler } from './types.ts'

const Params = z.object({
  username: z.string().min(1, 'username is required').max(256),
  password: z.string().min(1, 'password is required').max(1024),
  scope: z.string().max(2000).optional(),
})

export const password: GrantHandler<typeof Params> = {
  grantType: 'password',
  params: Params,
  allowsPublicClients: true,
  async handle(ctx) {
    const { client, params, services, config } = ctx
    if (!config.passwordGrant || !client.grantTypes.includes('password')) throw new UnauthorizedClient('the password grant is not enabled for this application')
    const scope = await services.scopes.resolve(params.scope, client.scopes)
    if (!scope.ok) throw new InvalidScope(scope.reason)
    await refuseWhileLimited(ctx)
    const user = await services.users.authenticate(params.username, params.password)
    if (!user) {
      await services.rateLimits.recordFailure('loginPerUsername', params.username)
      await services.rateLimits.recordFailure('loginPerIp', ctx.ip)
      throw new InvalidGrant('invalid resource owner credentials')
    }
    await services.rateLimits.reset('loginPerUsername', params.username)
    const tokens = await services.tokens.issue({ application: client, userId: user.id, scopes: scope.scopes, withRefresh: client.grantTypes.includes('refresh_token'), authTime: services.deps.clock.now() })
    return tokenResponse(ctx, tokens, { userId: user.id, authTime: tokens.createdAt, nonce: null })
  },
}

async function refuseWhileLimited(ctx: GrantContext<z.infer<typeof Params>>): Promise<void> {
  const { rateLimits } = ctx.services
  const wait = Math.max(await rateLimits.retryAfter('loginPerUsername', ctx.params.username), await rateLimits.retryAfter('loginPerIp', ctx.ip))
  if (wait > 0) throw new TooManyRequests('too many failed sign-in attempts; try again later', wait)
}
