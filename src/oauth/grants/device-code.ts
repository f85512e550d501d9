/**
 * @module
 * RFC 8628 §3.4–3.5: the device polls with its device code and gets authorization_pending,
 * slow_down, expired_token, access_denied, or — exactly once — tokens.
 */
import { z } from 'zod'
import { required } from './params.ts'
import { DEVICE_CODE_GRANT } from '../../services/applications/applications.ts'
import {
  AccessDenied,
  AuthorizationPending,
  ExpiredToken,
  InvalidGrant,
  SlowDown,
  UnauthorizedClient,
} from '../../handler/errors.ts'
import { tokenResponse } from './respond.ts'
import { audienceFor, type ResourcePorts } from '../resource-indicators.ts'
import type { IdTokenPorts } from '../../oidc/id-token.ts'
import type { Port } from '../../services/index.ts'
import type { GrantHandler } from './types.ts'

/** The services this grant calls, and nothing else (its ID token's included). */
export type DeviceCodePorts = IdTokenPorts &
  ResourcePorts &
  Port<{ deviceCodes: 'poll' | 'consume'; tokens: 'issueOnce'; applications: 'mayUse' }>

const Params = z.object({ device_code: required('device_code', 256), resource: z.string().max(8192).optional() })

export const deviceCode: GrantHandler<typeof Params, DeviceCodePorts> = {
  grantType: DEVICE_CODE_GRANT,
  params: Params,
  allowsPublicClients: true,
  async handle(ctx) {
    const { client, params, services } = ctx
    if (!client.grantTypes.includes(DEVICE_CODE_GRANT))
      throw new UnauthorizedClient('the device grant is not enabled for this application')
    const poll = await services.deviceCodes.poll(params.device_code, client)
    switch (poll.status) {
      case 'invalid':
        throw new InvalidGrant('unknown device_code')
      case 'consumed':
        throw new InvalidGrant('the device_code was already used')
      case 'expired':
        throw new ExpiredToken('the device_code has expired')
      case 'slow_down':
        throw new SlowDown('polling too fast; add 5 seconds to the interval')
      case 'pending':
        throw new AuthorizationPending('the user has not decided yet')
      case 'denied':
        throw new AccessDenied('the user denied the request')
    }
    // RFC 8628 §3.5 and checklist H.47: a user disabled after approving gets nothing.
    const user = await services.users.findById(poll.userId)
    if (!user || user.disabled) throw new AccessDenied('the user can no longer authorize this device')
    // Issue 16: nor does one taken out of the application's groups since approving.
    if (!(await services.applications.mayUse(client, user.id)))
      throw new AccessDenied('this account is not allowed to use this application')
    // RFC 8707 §2.2: one of the resources the device authorization named, never another.
    const resource = await audienceFor(services, params.resource, poll.resources)
    const tokens = await services.tokens.issueOnce((trx) => services.deviceCodes.consume(trx, poll.id), {
      application: client,
      userId: poll.userId,
      scopes: poll.scopes,
      resource,
      resources: poll.resources,
      withRefresh: client.grantTypes.includes('refresh_token'),
      authTime: poll.authTime,
    })
    if (!tokens) throw new InvalidGrant('the device_code was already used')
    return tokenResponse(ctx, tokens, { userId: poll.userId, authTime: poll.authTime, nonce: null })
  },
}
