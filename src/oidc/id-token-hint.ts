/**
 * @module
 * `id_token_hint` (OIDC Core §3.1.2.1): an ID token Latchkey issued to this client earlier, naming
 * the user the client expects. It must verify against Latchkey's published keys and name Latchkey as
 * issuer and the client as audience; it need not be unexpired ("the ID Token need not be unexpired").
 */
import { verifiedJwtPayload } from '../crypto/jose.ts'
import type { Port } from '../services/index.ts'

export type HintCheck = { ok: true; subject: string } | { ok: false; reason: string }

/** What checking an id_token_hint uses: the published keys (the issuer is the caller's config). */
export type IdTokenHintPorts = Port<{ signingKeys: 'jwks' }>

export async function checkIdTokenHint(
  services: IdTokenHintPorts,
  issuer: string,
  hint: string,
  clientId: string,
): Promise<HintCheck> {
  const payload = await verifiedJwtPayload(hint, (await services.signingKeys.jwks()).keys)
  if (!payload) return { ok: false, reason: 'id_token_hint is not an ID token signed by this server' }
  if (payload.iss !== issuer) return { ok: false, reason: 'id_token_hint was issued by another server' }
  const audience = Array.isArray(payload.aud) ? payload.aud : [payload.aud]
  if (!audience.includes(clientId)) return { ok: false, reason: 'id_token_hint was not issued to this client' }
  if (typeof payload.sub !== 'string' || payload.sub === '')
    return { ok: false, reason: 'id_token_hint names no subject' }
  return { ok: true, subject: payload.sub }
}
