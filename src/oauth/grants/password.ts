/**
 * @module
 * RFC 6749 §4.3, resource owner password credentials — discouraged (RFC 9700 §2.4), so off unless
 * both the instance and the application enable it. §4.3.2: the server MUST protect against brute
 * force, so failures are counted per username and per IP and every failure looks the same (the rule
 * is services/users/sign-in.ts, shared with the login page).
 */
import { z } from 'zod'
import { required } from './params.ts'
import { InvalidGrant, InvalidScope, TooManyRequests, UnauthorizedClient } from '../../handler/errors.ts'
import { tokenResponse } from './respond.ts'
import { audienceFor, checkScopesForAudience, type ResourcePorts } from '../resource-indicators.ts'
import type { IdTokenPorts } from '../../oidc/id-token.ts'
import type { Port } from '../../services/index.ts'
import { signIn, type SignInDeps } from '../../services/users/sign-in.ts'
import type { GrantHandler } from './types.ts'

/** The services this grant calls, and nothing else (its ID token's included). */
export type PasswordPorts = IdTokenPorts &
  ResourcePorts &
  SignInDeps &
  Port<{ scopes: 'resolve'; tokens: 'issue'; applications: 'mayUse' }>

const Params = z.object({
  username: required('username', 256),
  password: required('password', 1024),
  scope: z.string().max(2000).optional(),
  resource: z.string().max(8192).optional(),
})

export const password: GrantHandler<typeof Params, PasswordPorts> = {
  grantType: 'password',
  params: Params,
  allowsPublicClients: true,
  async handle(ctx) {
    const { client, params, services, config } = ctx
    if (!config.passwordGrant || !client.grantTypes.includes('password'))
      throw new UnauthorizedClient('the password grant is not enabled for this application')
    const scope = await services.scopes.resolve(params.scope, client.scopes, client.defaultScopes)
    if (!scope.ok) throw new InvalidScope(scope.reason)
    // RFC 8707 §2, checked before the credentials so a bad request costs no sign-in attempt.
    const resource = await audienceFor(services, params.resource, null)
    checkScopesForAudience(params.scope, resource)
    const signedIn = await signIn(services, params.username, params.password, ctx.ip)
    if (signedIn.outcome === 'limited')
      throw new TooManyRequests('too many failed sign-in attempts; try again later', signedIn.retryAfter)
    if (signedIn.outcome === 'refused') throw new InvalidGrant('invalid resource owner credentials')
    const { user } = signedIn
    // Issue 16, RFC 6749 §5.2: the credentials are right but this account may not use this application.
    if (!(await services.applications.mayUse(client, user.id)))
      throw new InvalidGrant('this account is not allowed to use this application')
    const tokens = await services.tokens.issue({
      application: client,
      userId: user.id,
      scopes: scope.scopes,
      resource,
      resources: resource ? [resource.uri] : [],
      withRefresh: client.grantTypes.includes('refresh_token'),
      authTime: ctx.clock.now(),
    })
    return tokenResponse(ctx, tokens, { userId: user.id, authTime: tokens.createdAt, nonce: null })
  },
}
