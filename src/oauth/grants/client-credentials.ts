/**
 * @module
 * RFC 6749 §4.4: a confidential client acts for itself. No user, no refresh token (§4.4.3), no ID
 * token even when openid is asked for; scope limited to the application's allowed scopes.
 */
import { z } from 'zod'
import { InvalidScope, UnauthorizedClient } from '../../handler/errors.ts'
import { tokenBody } from './respond.ts'
import { audienceFor, checkScopesForAudience, type ResourcePorts } from '../resource-indicators.ts'
import type { Port } from '../../services/index.ts'
import type { GrantHandler } from './types.ts'

/** The services this grant calls, and nothing else. */
export type ClientCredentialsPorts = ResourcePorts & Port<{ scopes: 'resolve'; tokens: 'issue' }>

const Params = z.object({ scope: z.string().max(2000).optional(), resource: z.string().max(8192).optional() })

export const clientCredentials: GrantHandler<typeof Params, ClientCredentialsPorts> = {
  grantType: 'client_credentials',
  params: Params,
  allowsPublicClients: false,
  async handle(ctx) {
    const { client, params, services } = ctx
    if (client.isPublic || !client.grantTypes.includes('client_credentials'))
      throw new UnauthorizedClient('client_credentials is not enabled for this application')
    const scope = await services.scopes.resolve(params.scope, client.scopes, client.defaultScopes)
    if (!scope.ok) throw new InvalidScope(scope.reason)
    // RFC 8707 §2: any registered resource, one per token; its token carries the scopes it accepts.
    const resource = await audienceFor(services, params.resource, null)
    checkScopesForAudience(params.scope, resource)
    const tokens = await services.tokens.issue({
      resource,
      application: client,
      userId: null,
      scopes: scope.scopes,
      withRefresh: false,
      authTime: null,
    })
    return tokenBody(tokens)
  },
}
