/**
 * @module
 * High-entropy secrets with a recognisable prefix (so secret scanners find leaked ones), their
 * SHA-256 digests (the only form stored), and constant-time comparison.
 */
import { timingSafeEqual } from 'node:crypto'

/**
 * One prefix per kind of secret; RFC 6749 §10.10 asks for guess probability ≤ 2^-160. The three
 * token kinds are keyed by their `TokenKind` (crypto/token-values.ts), the one name a token's kind has.
 */
export const PREFIX = {
  access: 'lkat_',
  refresh: 'lkrt_',
  personal: 'lkpat_',
  authorizationCode: 'lkac_',
  clientSecret: 'lkcs_',
  deviceCode: 'lkdc_',
  session: 'lkse_',
  /** Issue 17: the first-run setup link and password-reset (invitation) links. */
  setupLink: 'lksu_',
  resetLink: 'lkrl_',
  /** RFC 7591 §3 initial access token, made by an administrator (issue 18). */
  initialAccessToken: 'lkiat_',
  /** RFC 7592 registration access token, given to a self-registered client (issue 18). */
  registrationAccessToken: 'lkrat_',
} as const
export type SecretKind = keyof typeof PREFIX

const RANDOM_BYTES = 32 // 256 bits after the prefix

export function randomBase64Url(bytes: number): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString('base64url')
}

export function generateSecret(kind: SecretKind): string {
  return PREFIX[kind] + randomBase64Url(RANDOM_BYTES)
}

/** Hex SHA-256 of a secret; the value stored and looked up in place of the secret. */
export function sha256Hex(value: string): string {
  return new Bun.CryptoHasher('sha256').update(value).digest('hex')
}

export function sha256Base64Url(value: string | Uint8Array): string {
  return new Bun.CryptoHasher('sha256').update(value).digest('base64url')
}

/** Constant-time equality of two strings (length is not secret). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/** The last characters of a secret, kept so people can recognise a token without its value. */
export function secretHint(secret: string): string {
  return secret.slice(-4)
}

/** True when the string has the shape of a secret of this kind, checked before any lookup. */
export function hasPrefix(value: string, kind: SecretKind): boolean {
  return value.startsWith(PREFIX[kind])
}
