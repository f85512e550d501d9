/**
 * @module
 * OIDC Discovery §3 and RFC 8414 §2 metadata, advertising exactly what works. JWKS (RFC 7517).
 */
import type { Reply, RequestContext } from '../../handler/context.ts'
import type { Port } from '../../services/index.ts'
import { SIGNING_ALGS } from '../../crypto/jose.ts'
import { SUPPORTED_CLAIMS } from '../../oidc/claims.ts'
import { PROMPTS } from '../authorize-request.ts'
import { CLIENT_AUTH_METHODS } from '../client-auth.ts'
import { GRANTS } from '../grants/index.ts'

export async function discovery(ctx: RequestContext<Port<{ scopes: 'all' }>>): Promise<Reply> {
  // Issue 18: advertised only when someone may register (RFC 8414 §2: OPTIONAL).
  const registration = ctx.config.registrationPolicy === 'off' ? undefined : `${ctx.config.issuer}/oauth/register`
  const iss = ctx.config.issuer
  const scopes = await ctx.services.scopes.all()
  return {
    type: 'json',
    cache: 'public',
    headers: [['Cache-Control', 'public, max-age=300']],
    body: {
      issuer: iss,
      authorization_endpoint: `${iss}/oauth/authorize`,
      token_endpoint: `${iss}/oauth/token`,
      userinfo_endpoint: `${iss}/oauth/userinfo`,
      jwks_uri: `${iss}/oauth/discovery/keys`,
      revocation_endpoint: `${iss}/oauth/revoke`,
      introspection_endpoint: `${iss}/oauth/introspect`,
      device_authorization_endpoint: `${iss}/oauth/authorize_device`,
      registration_endpoint: registration,
      end_session_endpoint: undefined,
      scopes_supported: scopes.map((s) => s.name),
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      grant_types_supported: [...GRANTS.keys()],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: SIGNING_ALGS,
      token_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
      revocation_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
      introspection_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS.filter((m) => m !== 'none'),
      code_challenge_methods_supported: ['S256'],
      claims_supported: [...SUPPORTED_CLAIMS, 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'at_hash', 'azp'],
      prompt_values_supported: PROMPTS,
      claims_parameter_supported: false,
      request_parameter_supported: false,
      request_uri_parameter_supported: false,
      authorization_response_iss_parameter_supported: true,
      // Issue 18, draft-ietf-oauth-client-id-metadata-document: an https URL may be the client_id.
      client_id_metadata_document_supported: ctx.config.metadataDocuments,
    },
  }
}

export async function jwks(ctx: RequestContext<Port<{ signingKeys: 'jwks' }>>): Promise<Reply> {
  return {
    type: 'json',
    cache: 'public',
    headers: [['Cache-Control', 'public, max-age=60']],
    body: await ctx.services.signingKeys.jwks(),
  }
}
