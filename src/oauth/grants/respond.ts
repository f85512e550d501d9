/** @module Shared steps of grants that issue user tokens: the response body and the ID token. */
import { issueIdToken } from '../../oidc/id-token.ts'
import type { IssuedTokens } from '../../services/tokens/tokens.ts'
import type { GrantContext, TokenResponse } from './types.ts'

export async function tokenResponse(
  ctx: GrantContext<unknown>,
  tokens: IssuedTokens,
  oidc: { userId: string | null; authTime: number | null; nonce: string | null } | null,
): Promise<TokenResponse> {
  const body: TokenResponse = {
    access_token: tokens.accessToken,
    token_type: 'Bearer',
    expires_in: tokens.expiresIn,
    scope: tokens.scopes.join(' '),
    created_at: tokens.createdAt,
  }
  if (tokens.refreshToken) body.refresh_token = tokens.refreshToken
  // OIDC Core §3.1.3.3: an ID token whenever openid was granted to a user.
  if (oidc?.userId && tokens.scopes.includes('openid')) {
    const idToken = await issueIdToken(ctx.services, ctx.config, { client: ctx.client, userId: oidc.userId, scopes: tokens.scopes, authTime: oidc.authTime, nonce: oidc.nonce, accessToken: tokens.accessToken })
    if (idToken) body.id_token = idToken
  }
  return body
}
