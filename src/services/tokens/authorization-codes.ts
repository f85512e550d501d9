/**
 * @module
 * Authorization codes: one-time, short-lived, bound to the client, the redirect URI and the PKCE
 * challenge (RFC 6749 §4.1.2, RFC 7636 §4.4). Only the SHA-256 of a code is stored. Functions with
 * their dependencies named as parameters (like sessions/sessions.ts), bound by createAuthorizationCodeService.
 */
import { newId } from '../../crypto/ids.ts'
import { generateSecret, hasPrefix, sha256Hex } from '../../crypto/secrets.ts'
import * as repo from '../../store/repositories/authorization-codes.ts'
import type { ServiceDeps } from '../shared/deps.ts'
import { joinList, splitList } from '../shared/lists.ts'

export interface CodeRequest {
  applicationId: string
  userId: string
  redirectUri: string
  redirectUriSent: boolean
  scopes: readonly string[]
  codeChallenge: string | null
  codeChallengeMethod: 'S256' | 'plain' | null
  nonce: string | null
  authTime: number
  /** RFC 8707: the resource URIs authorized (absent or empty: none). */
  resources?: readonly string[]
}

export interface AuthorizationCode extends CodeRequest {
  resources: string[]
  id: string
  expiresAt: number
  consumed: boolean
}

/** Issues a one-time code for an approved request; only its hash is stored, valid for `config.codeTtl`. */
export async function issueAuthorizationCode(
  { db, config, clock }: Pick<ServiceDeps, 'db' | 'config' | 'clock'>,
  req: CodeRequest,
): Promise<string> {
  const code = generateSecret('authorizationCode')
  const now = clock.now()
  await repo.insertAuthorizationCode(db, {
    id: newId(),
    code_hash: sha256Hex(code),
    application_id: req.applicationId,
    user_id: req.userId,
    redirect_uri: req.redirectUri,
    redirect_uri_sent: req.redirectUriSent ? 1 : 0,
    scopes: joinList(req.scopes),
    code_challenge: req.codeChallenge,
    code_challenge_method: req.codeChallengeMethod,
    nonce: req.nonce,
    auth_time: req.authTime,
    created_at: now,
    expires_at: now + config.codeTtl,
    consumed_at: null,
    resources: req.resources?.length ? joinList(req.resources) : null,
  })
  return code
}

/** The code behind a presented value, consumed or not (the token endpoint decides what that means). */
export async function findAuthorizationCode(
  { db }: Pick<ServiceDeps, 'db'>,
  code: string,
): Promise<AuthorizationCode | undefined> {
  if (!hasPrefix(code, 'authorizationCode') || code.length > 128) return undefined
  const row = await repo.findAuthorizationCodeByHash(db, sha256Hex(code))
  if (!row) return undefined
  return {
    id: row.id,
    applicationId: row.application_id,
    userId: row.user_id,
    redirectUri: row.redirect_uri,
    redirectUriSent: row.redirect_uri_sent === 1,
    scopes: splitList(row.scopes),
    codeChallenge: row.code_challenge,
    codeChallengeMethod: row.code_challenge_method as AuthorizationCode['codeChallengeMethod'],
    nonce: row.nonce,
    authTime: row.auth_time,
    expiresAt: row.expires_at,
    consumed: row.consumed_at !== null,
    resources: splitList(row.resources),
  }
}

/** The code operations bound to their dependencies, as the endpoints reach them (`services.codes`). */
export function createAuthorizationCodeService(deps: Pick<ServiceDeps, 'db' | 'config' | 'clock'>) {
  return {
    issue: (req: CodeRequest) => issueAuthorizationCode(deps, req),
    find: (code: string) => findAuthorizationCode(deps, code),
  }
}
export type AuthorizationCodeService = ReturnType<typeof createAuthorizationCodeService>
