/** @module RFC 7636: PKCE challenge rules at /authorize and verification at the token endpoint. */
import { safeEqual, sha256Base64Url } from '../crypto/secrets.ts'
import { InvalidGrant, InvalidRequest } from '../handler/errors.ts'

/**
 * §4.1: code_verifier = 43*128unreserved. Also accepted: `+`, `/` and `=`, because git-credential-oauth 0.4.2
 * (the version Debian ships) sends standard base64 verifiers (issue 16). The challenge is still computed over
 * the exact string sent, and a verifier's strength is its length, which stays 43 to 128 characters.
 */
const VERIFIER = /^[A-Za-z0-9\-._~+/=]{43,128}$/
/** §4.2: an S256 challenge is the 43-character base64url of a SHA-256 digest. */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/

export interface PkceChallenge {
  challenge: string
  method: 'S256' | 'plain'
}

/** Validates the authorization request's challenge. Returns null when none was sent. */
export function parseChallenge(
  challenge: string | undefined,
  method: string | undefined,
  plainAllowed: boolean,
): PkceChallenge | null {
  if (challenge === undefined) {
    if (method !== undefined) throw new InvalidRequest('code_challenge_method without code_challenge')
    return null
  }
  // §4.3: the method defaults to "plain" when absent; it is never silently upgraded to S256.
  const m = method ?? 'plain'
  if (m === 'S256') {
    if (!S256_CHALLENGE.test(challenge))
      throw new InvalidRequest('code_challenge must be 43 base64url characters for S256')
    return { challenge, method: 'S256' }
  }
  if (m === 'plain') {
    if (!plainAllowed) throw new InvalidRequest('code_challenge_method plain is not allowed; use S256')
    if (!VERIFIER.test(challenge)) throw new InvalidRequest('invalid plain code_challenge')
    return { challenge, method: 'plain' }
  }
  throw new InvalidRequest('unsupported code_challenge_method; use S256')
}

/** §4.6: the verifier must match the stored challenge; a verifier without a challenge is a downgrade. */
export function verifyPkce(stored: PkceChallenge | null, verifier: string | undefined): void {
  if (!stored) {
    // RFC 9700 §4.8.2: a verifier for a code issued without a challenge is refused.
    if (verifier !== undefined) throw new InvalidGrant('code_verifier sent for a code issued without code_challenge')
    return
  }
  if (verifier === undefined) throw new InvalidGrant('code_verifier is required')
  if (!VERIFIER.test(verifier)) throw new InvalidGrant('code_verifier is malformed')
  const computed = stored.method === 'S256' ? sha256Base64Url(verifier) : verifier
  if (!safeEqual(computed, stored.challenge)) throw new InvalidGrant('code_verifier does not match the code_challenge')
}
