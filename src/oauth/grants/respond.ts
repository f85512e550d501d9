/** @module Shared steps of grants that issue user tokens: the response body and the ID token. */
import { issueIdToken, type IdTokenPorts } from '../../oidc/id-token.ts'
import type { IssuedTokens } from '../../services/tokens/tokens.ts'
import type { GrantContext, TokenResponse } from './types.ts'

/** RFC 6749 §5.1: the response body for issued tokens, without an ID token. */
export function tokenBody(tokens: IssuedTokens): TokenResponse {
  const body: TokenResponse = {
    access_token: tokens.accessToken,
    token_type: 'Bearer',
    expires_in: tokens.expiresIn,
    scope: tokens.scopes.join(' '),
    created_at: tokens.createdAt,
  }
  if (tokens.refreshToken) body.refresh_token = tokens.refreshToken
  return body
}

/** The response for tokens issued to a user: the body plus, when openid was granted, an ID token. */
export async function tokenResponse(
  ctx: GrantContext<unknown, IdTokenPorts>,
  tokens: IssuedTokens,
  oidc: { userId: string | null; authTime: number | null; nonce: string | null },
): Promise<TokenResponse> {
  const body = tokenBody(tokens)
  // OIDC Core §3.1.3.3: an ID token whenever openid was granted to a user.
  // For a resource's token the grant's scopes decide, not the access token's (RFC 8707: narrowed).
  if (oidc.userId && tokens.grantScopes.includes('openid')) {
    const idToken = await issueIdToken(ctx.services, ctx, {
      client: ctx.client,
      userId: oidc.userId,
      scopes: tokens.grantScopes,
      authTime: oidc.authTime,
      nonce: oidc.nonce,
      accessToken: tokens.accessToken,
    })
    if (idToken) body.id_token = idToken
  }
  return body
}
