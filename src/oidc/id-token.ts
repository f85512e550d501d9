/**
 * @module
 * ID tokens (OIDC Core §2, §3.1.3.6): signed with the application's algorithm by the active key,
 * with `at_hash` binding them to the access token issued beside them.
 */
import type { Config } from '../config.ts'
import { halfHash, signJwt } from '../crypto/jose.ts'
import type { Application } from '../services/applications/applications.ts'
import type { Port, ServiceDeps } from '../services/index.ts'
import { claimsFor, groupsClaim } from './claims.ts'

export interface IdTokenInput {
  client: Application
  userId: string
  scopes: readonly string[]
  authTime: number | null
  nonce: string | null
  accessToken: string
}

/** What an ID token is made from: the user's claims (and groups) and the active key (the clock is the caller's). */
export type IdTokenPorts = Port<{ users: 'findById'; groups: 'namesForUser'; signingKeys: 'active' }>

export async function issueIdToken(
  services: IdTokenPorts,
  { config, clock }: Pick<ServiceDeps, 'config' | 'clock'>,
  input: IdTokenInput,
): Promise<string | undefined> {
  const user = await services.users.findById(input.userId)
  if (!user) return undefined
  const groups = await groupsClaim(services, user.id, input.scopes)
  const key = await services.signingKeys.active(input.client.idTokenAlg)
  const now = clock.now()
  const payload = {
    ...claimsFor(user, input.scopes, groups),
    iss: config.issuer,
    aud: input.client.clientId,
    azp: input.client.clientId,
    iat: now,
    exp: now + config.idTokenTtl,
    ...(input.authTime !== null ? { auth_time: input.authTime } : {}),
    ...(input.nonce !== null ? { nonce: input.nonce } : {}),
    at_hash: halfHash(input.accessToken, key.alg),
  }
  return signJwt(payload, key.key, { alg: key.alg, kid: key.kid, typ: 'JWT' })
}
