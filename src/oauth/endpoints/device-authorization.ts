/** @module POST /oauth/authorize_device (RFC 8628 §3.1–3.2, GitLab seed "Device authorization grant"). */
import type { Reply, RequestContext } from '../../handler/context.ts'
import type { Port } from '../../services/index.ts'
import { DEVICE_CODE_GRANT } from '../../services/applications/applications.ts'
import { authenticateClient, type ClientAuthPorts } from '../client-auth.ts'
import { InvalidScope, TooManyRequests, UnauthorizedClient } from '../../handler/errors.ts'
import { checkScopesForResources, requestedResources, type ResourcePorts } from '../resource-indicators.ts'

/** The services device authorization uses. */
export type DeviceAuthorizationPorts = ClientAuthPorts &
  ResourcePorts &
  Port<{ scopes: 'resolve'; deviceCodes: 'start' }>

export async function deviceAuthorization(ctx: RequestContext<DeviceAuthorizationPorts>): Promise<Reply> {
  const params = ctx.body
  const { client } = await authenticateClient(ctx.services, ctx.request, params, ctx.ip)
  ctx.log.clientId = client.clientId
  if (!client.grantTypes.includes(DEVICE_CODE_GRANT))
    throw new UnauthorizedClient('the device grant is not enabled for this application')
  const wait = await ctx.services.rateLimits.hit('deviceAuthorizationPerClientIp', `${client.id}|${ctx.ip}`)
  if (wait > 0) throw new TooManyRequests('too many device authorizations; try again later', wait)
  const scope = await ctx.services.scopes.resolve(params.scope, client.scopes, client.defaultScopes)
  if (!scope.ok) throw new InvalidScope(scope.reason)
  // RFC 8707 §2: resources named here bound the device's token requests, as at /authorize.
  const resources = await requestedResources(ctx.services, params.resource)
  checkScopesForResources(params.scope, resources)
  const auth = await ctx.services.deviceCodes.start(
    client,
    scope.scopes,
    resources.map((r) => r.uri),
  )
  const verificationUri = `${ctx.config.issuer}/oauth/device`
  return {
    type: 'json',
    body: {
      device_code: auth.deviceCode,
      user_code: auth.userCode,
      verification_uri: verificationUri,
      verification_uri_complete: `${verificationUri}?user_code=${encodeURIComponent(auth.userCode)}`,
      expires_in: auth.expiresIn,
      interval: auth.interval,
    },
  }
}
