/** @module OIDC Core §5.4: the claims each scope releases. `sub` is the user's stable UUIDv7. */
import type { User } from '../services/users/users.ts'

export const SUPPORTED_CLAIMS = [
  'sub',
  'name',
  'preferred_username',
  'nickname',
  'updated_at',
  'email',
  'email_verified',
] as const

export function claimsFor(user: User, scopes: readonly string[]): Record<string, unknown> {
  const claims: Record<string, unknown> = { sub: user.id }
  if (scopes.includes('profile')) {
    claims.name = user.name ?? user.username
    claims.preferred_username = user.username
    claims.nickname = user.username
    claims.updated_at = user.updatedAt
  }
  if (scopes.includes('email') && user.email) {
    claims.email = user.email
    // Addresses are entered by an operator and never confirmed by mail, so they are not "verified".
    claims.email_verified = false
  }
  return claims
}
