/**
 * @module
 * Signing keys and JWTs through `jose`. Keys are generated here and serialised as JWKs for the
 * store; the public half is what the JWKS publishes (never d, p, q, dp, dq, qi — RFC 7518 §6.3.2).
 */
import {
  compactVerify,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  SignJWT,
  type JWK,
  type JWTPayload,
} from 'jose'
import { randomBase64Url } from './secrets.ts'

export type SigningAlg = 'RS256' | 'ES256'
export const SIGNING_ALGS: readonly SigningAlg[] = ['RS256', 'ES256']

export interface GeneratedKey {
  kid: string
  alg: SigningAlg
  publicJwk: JWK
  privateJwk: JWK
}

export async function generateSigningKey(alg: SigningAlg): Promise<GeneratedKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg, {
    extractable: true,
    ...(alg === 'RS256' ? { modulusLength: 2048 } : {}),
  })
  const kid = randomBase64Url(12)
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' }
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg }
  return { kid, alg, publicJwk, privateJwk }
}

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'] as const

/** The publishable half of a JWK, whatever was passed in. */
export function publicOnly(jwk: JWK): JWK {
  const copy: Record<string, unknown> = { ...jwk }
  for (const m of PRIVATE_MEMBERS) delete copy[m]
  return copy as JWK
}

export type PrivateKey = Awaited<ReturnType<typeof importJWK>>

export function importPrivateKey(jwk: JWK, alg: SigningAlg): Promise<PrivateKey> {
  return importJWK(jwk, alg)
}

export function signJwt(
  payload: JWTPayload,
  key: PrivateKey,
  header: { alg: SigningAlg; kid: string; typ?: string },
): Promise<string> {
  return new SignJWT(payload).setProtectedHeader(header).sign(key)
}

/**
 * The payload of a compact JWS whose signature verifies against one of `keys` (matched by kid),
 * or undefined. Only the signature and the JSON shape are checked: claims are the caller's to judge
 * (an expired ID token is still a good id_token_hint, OIDC Core §3.1.2.1).
 */
export async function verifiedJwtPayload(jwt: string, keys: JWK[]): Promise<JWTPayload | undefined> {
  try {
    const { payload } = await compactVerify(jwt, createLocalJWKSet({ keys }), { algorithms: [...SIGNING_ALGS] })
    const claims: unknown = JSON.parse(new TextDecoder().decode(payload))
    return typeof claims === 'object' && claims !== null && !Array.isArray(claims) ? (claims as JWTPayload) : undefined
  } catch {
    return undefined
  }
}

/** OIDC Core §3.1.3.6: base64url of the left half of the hash of the ASCII token value. */
export function halfHash(value: string, alg: SigningAlg): string {
  const digest = new Bun.CryptoHasher('sha256').update(value).digest()
  void alg // both supported algorithms use SHA-256
  return Buffer.from(digest.subarray(0, digest.length / 2)).toString('base64url')
}
