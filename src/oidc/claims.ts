/** @module OIDC Core §5.4: the claims each scope releases. `sub` is the user's stable UUIDv7. */
import type { Port } from '../services/index.ts'
import type { User } from '../services/users/users.ts'

export const SUPPORTED_CLAIMS = [
  'sub',
  'name',
  'preferred_username',
  'nickname',
  'updated_at',
  'email',
  'email_verified',
  'groups',
] as const

/** The scope that releases the `groups` claim (issue 16). */
export const GROUPS_SCOPE = 'groups'

/**
 * The names of the user's groups when `scopes` carries the groups scope, else undefined without a
 * query: what `claimsFor` and introspection put in the `groups` claim.
 */
export async function groupsClaim(
  services: Port<{ groups: 'namesForUser' }>,
  userId: string,
  scopes: readonly string[],
): Promise<string[] | undefined> {
  return scopes.includes(GROUPS_SCOPE) ? services.groups.namesForUser(userId) : undefined
}

/**
 * The claims the granted scopes release. `groups` is the user's group names, loaded by the caller
 * (`groupsClaim`) only when the groups scope was granted: this function stays synchronous.
 */
export function claimsFor(user: User, scopes: readonly string[], groups?: readonly string[]): Record<string, unknown> {
  const claims: Record<string, unknown> = { sub: user.id }
  if (scopes.includes('profile')) {
    claims.name = user.name ?? user.username
    claims.preferred_username = user.username
    claims.nickname = user.username
    claims.updated_at = user.updatedAt
  }
  if (scopes.includes('email') && user.email) {
    claims.email = user.email
    // OIDC Core §5.1: true only when an administrator marked this address verified (issue 16); never
    // confirmed by mail, so false otherwise. Forges refuse to link accounts by an unverified address.
    claims.email_verified = user.emailVerified
  }
  // Issue 16: an array of names, even when empty, so a forge can tell "in no group" from "not asked".
  if (scopes.includes(GROUPS_SCOPE)) claims.groups = [...(groups ?? [])]
  return claims
}
