/**
 * @module
 * RFC 6749 §6 with rotation (RFC 9700 §4.14.2): every use returns a new pair and retires the old
 * one; reusing a retired refresh token revokes its whole family, except by the same client within its
 * application's refresh grace period (issue 16: a new pair, see services/tokens). Scope may narrow,
 * never widen, and never exceeds what the application is allowed now.
 */
import { z } from 'zod'
import { required } from './params.ts'
import { splitList } from '../../services/shared/lists.ts'
import { InvalidGrant, InvalidScope, InvalidTarget, UnauthorizedClient } from '../../handler/errors.ts'
import { tokenResponse } from './respond.ts'
import { audienceFor, checkScopesForAudience, type ResourcePorts } from '../resource-indicators.ts'
import type { Narrowed } from '../../services/tokens/tokens.ts'
import type { IdTokenPorts } from '../../oidc/id-token.ts'
import type { Port } from '../../services/index.ts'
import type { GrantHandler } from './types.ts'

/** The services this grant calls, and nothing else (its ID token's included). */
export type RefreshTokenPorts = IdTokenPorts &
  ResourcePorts &
  Port<{ scopes: 'expand'; tokens: 'rotateRefresh' | 'findActive' | 'revoke'; applications: 'mayUse' }>

const NOT_ALLOWED = 'this account is not allowed to use this application'

const Params = z.object({
  refresh_token: required('refresh_token', 256),
  scope: z.string().max(2000).optional(),
  resource: z.string().max(8192).optional(),
})

export const refreshToken: GrantHandler<typeof Params, RefreshTokenPorts> = {
  grantType: 'refresh_token',
  params: Params,
  allowsPublicClients: true,
  async handle(ctx) {
    const { client, params, services } = ctx
    if (!client.grantTypes.includes('refresh_token'))
      throw new UnauthorizedClient('refresh_token is not enabled for this application')
    // Issue 16, RFC 6749 §5.2: a user outside the application's groups gets invalid_grant and nothing
    // new; removing them from the group stops their next refresh. Read before rotating, only when the
    // application is restricted (a retired or unknown token falls through to rotateRefresh's answer).
    if (client.restrictedToGroups) {
      const presented = await services.tokens.findActive(params.refresh_token)
      if (presented?.applicationId === client.id && presented.userId !== null)
        if (!(await services.applications.mayUse(client, presented.userId))) throw new InvalidGrant(NOT_ALLOWED)
    }
    const ceiling = await services.scopes.expand(client.scopes)
    const narrowScopes = (original: string[]): string[] | { error: string } => {
      const stillAllowed = original.filter((s) => ceiling.includes(s))
      if (params.scope === undefined || params.scope.trim() === '') return stillAllowed
      const requested = [...new Set(splitList(params.scope))]
      const wider = requested.filter((s) => !original.includes(s))
      if (wider.length) return { error: `scope wider than the original grant: ${wider.join(' ')}` }
      return requested.filter((s) => stillAllowed.includes(s))
    }
    // RFC 8707 §2.2: the access token may be for any one of the grant's resources, never another; the
    // new refresh token keeps all of them. Read only when the grant or the request names a resource.
    const narrow = async (grant: { scopes: string[]; resources: string[] }): Promise<Narrowed> => {
      const scopes = narrowScopes(grant.scopes)
      if ('error' in scopes) return { error: scopes.error, code: 'invalid_scope' }
      try {
        const resource = await audienceFor(services, params.resource, grant.resources)
        checkScopesForAudience(params.scope, resource)
        return { scopes, resource }
      } catch (e) {
        if (e instanceof InvalidTarget) return { error: e.description, code: 'invalid_target' }
        if (e instanceof InvalidScope) return { error: e.description, code: 'invalid_scope' }
        throw e
      }
    }
    const result = await services.tokens.rotateRefresh(params.refresh_token, client, narrow)
    if (!result.ok)
      throw !('code' in result)
        ? new InvalidGrant(result.reason)
        : result.code === 'invalid_target'
          ? new InvalidTarget(result.reason)
          : new InvalidScope(result.reason)
    // Issue 16, the backstop: a removal that raced this refresh, or a replay answered without the check
    // above (a rotated token is not "active"), ends the whole family at once and is refused.
    if (client.restrictedToGroups && result.userId !== null)
      if (!(await services.applications.mayUse(client, result.userId))) {
        if (result.tokens.refreshToken) await services.tokens.revoke(result.tokens.refreshToken, client)
        throw new InvalidGrant(NOT_ALLOWED)
      }
    // OIDC Core §12.2: a new ID token keeps the original auth_time, and the original nonce when there
    // was one ("if it is present, its value MUST be the same"; libiddawc requires it).
    return tokenResponse(ctx, result.tokens, { userId: result.userId, authTime: result.authTime, nonce: result.nonce })
  },
}
