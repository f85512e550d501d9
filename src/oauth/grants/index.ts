/** @module The token endpoint's grant registry: grant_type → handler. One file per grant. */
import type { z } from 'zod'
import { authorizationCode, type AuthorizationCodePorts } from './authorization-code.ts'
import { clientCredentials, type ClientCredentialsPorts } from './client-credentials.ts'
import { deviceCode, type DeviceCodePorts } from './device-code.ts'
import { password, type PasswordPorts } from './password.ts'
import { refreshToken, type RefreshTokenPorts } from './refresh-token.ts'
import type { GrantHandler } from './types.ts'

/** What the registered grants use between them: the part of the token endpoint's port they need. */
export type GrantPorts = AuthorizationCodePorts &
  RefreshTokenPorts &
  ClientCredentialsPorts &
  PasswordPorts &
  DeviceCodePorts

export const GRANTS: ReadonlyMap<string, GrantHandler<z.ZodType, GrantPorts>> = new Map(
  [authorizationCode, refreshToken, clientCredentials, password, deviceCode].map(
    (g: GrantHandler<z.ZodType, GrantPorts>) => [g.grantType, g],
  ),
)
