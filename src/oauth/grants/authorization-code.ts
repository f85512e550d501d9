/**
 * @module
 * RFC 6749 §4.1.3: exchange a one-time authorization code, bound to the client, the redirect URI
 * and the PKCE challenge (RFC 7636 §4.6). A second use revokes everything issued from the code.
 */
import { z } from 'zod'
import { required } from './params.ts'
import { InvalidGrant, UnauthorizedClient } from '../../handler/errors.ts'
import { verifyPkce } from '../pkce.ts'
import { tokenResponse } from './respond.ts'
import { audienceFor, type ResourcePorts } from '../resource-indicators.ts'
import type { Application } from '../../services/applications/applications.ts'
import type { IdTokenPorts } from '../../oidc/id-token.ts'
import type { Port } from '../../services/index.ts'
import type { GrantHandler } from './types.ts'

/** The services this grant calls, and nothing else (its ID token's included). */
export type AuthorizationCodePorts = IdTokenPorts &
  ResourcePorts &
  Port<{ codes: 'find'; tokens: 'revokeIssuedFromCode' | 'redeemCode'; applications: 'mayUse' }>

/**
 * OIDC Core §11: with the offline_access policy an OpenID request gets a refresh token only when
 * it asked for offline_access; plain OAuth requests (GitLab style) always get one.
 */
function wantsRefreshToken(client: Application, scopes: readonly string[]): boolean {
  if (!client.grantTypes.includes('refresh_token')) return false
  if (client.refreshPolicy === 'always' || !scopes.includes('openid')) return true
  return scopes.includes('offline_access')
}

const Params = z.object({
  code: required('code', 256),
  redirect_uri: z.string().max(2048).optional(),
  code_verifier: z.string().max(256).optional(),
  resource: z.string().max(8192).optional(),
})

export const authorizationCode: GrantHandler<typeof Params, AuthorizationCodePorts> = {
  grantType: 'authorization_code',
  params: Params,
  allowsPublicClients: true,
  async handle(ctx) {
    const { client, params, services } = ctx
    if (!client.grantTypes.includes('authorization_code'))
      throw new UnauthorizedClient('authorization_code is not enabled for this application')
    const code = await services.codes.find(params.code)
    // §4.1.3: the code must have been issued to this client.
    if (!code || code.applicationId !== client.id) throw new InvalidGrant('the authorization code is invalid')
    if (code.consumed) {
      await services.tokens.revokeIssuedFromCode(code.id)
      throw new InvalidGrant('the authorization code was already used')
    }
    if (code.expiresAt <= ctx.clock.now()) throw new InvalidGrant('the authorization code has expired')
    // RFC 9700 §4.14.2 (Gitea issue 19111): an outstanding code dies with its user or its consent —
    // disabling the user or revoking the grant marks its codes consumed, so they fail above.
    // §4.1.3: redirect_uri must be present and identical when it was sent at /authorize.
    if (
      code.redirectUriSent
        ? params.redirect_uri !== code.redirectUri
        : params.redirect_uri !== undefined && params.redirect_uri !== code.redirectUri
    )
      throw new InvalidGrant('redirect_uri does not match the authorization request')
    verifyPkce(
      code.codeChallenge ? { challenge: code.codeChallenge, method: code.codeChallengeMethod ?? 'plain' } : null,
      params.code_verifier,
    )
    // Issue 16: a user taken out of the application's groups since /authorize gets no tokens (§5.2).
    if (!(await services.applications.mayUse(client, code.userId)))
      throw new InvalidGrant('this account is not allowed to use this application')
    // RFC 8707 §2.2: the token is for one of the resources the code was authorized for, never another.
    const resource = await audienceFor(services, params.resource, code.resources)
    const result = await services.tokens.redeemCode(code.id, {
      application: client,
      userId: code.userId,
      scopes: code.scopes,
      resource,
      resources: code.resources,
      withRefresh: wantsRefreshToken(client, code.scopes),
      authTime: code.authTime,
      nonce: code.nonce,
    })
    if (!result.ok) throw new InvalidGrant(result.reason)
    return tokenResponse(ctx, result.tokens, { userId: code.userId, authTime: code.authTime, nonce: code.nonce })
  },
}
