/** @module The token endpoint's grant registry: grant_type → handler. One file per grant. */
import { authorizationCode } from './authorization-code.ts'
import { clientCredentials } from './client-credentials.ts'
import { deviceCode } from './device-code.ts'
import { password } from './password.ts'
import { refreshToken } from './refresh-token.ts'
import type { GrantHandler } from './types.ts'

export const GRANTS: ReadonlyMap<string, GrantHandler> = new Map(
  ([authorizationCode, refreshToken, clientCredentials, password, deviceCode] as GrantHandler[]).map((g) => [g.grantType, g]),
)
