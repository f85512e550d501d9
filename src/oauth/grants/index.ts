/** @module The token endpoint's grant registry: grant_type → handler. One file per grant. */
import { authorizationCode } from './authorization-code.ts'
import { refreshToken } from './refresh-token.ts'
import type { GrantHandler } from './types.ts'

export const GRANTS: ReadonlyMap<string, GrantHandler> = new Map(
  ([authorizationCode, refreshToken] as GrantHandler[]).map((g) => [g.grantType, g]),
)
