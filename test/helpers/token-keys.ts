/**
 * The stored key of an access, refresh or personal token, computed here independently of
 * src/crypto/token-values.ts so tests check the format rather than repeat it: the row id named
 * by the 22 characters after the prefix, in hex, a dot, and the token's SHA-256 in base64url.
 */
import { createHash } from 'node:crypto'

export const TOKEN_KEY = /^[0-9a-f]{32}\.[A-Za-z0-9_-]{43}$/

export function storedTokenKey(value: string): string {
  const body = value.replace(/^lk[a-z]+_/, '')
  if (body.length !== 65) throw new Error(`not a token of the current format: ${value.length} characters`)
  const selector = Buffer.from(body.slice(0, 22), 'base64url').toString('hex')
  return `${selector}.${createHash('sha256').update(value).digest('base64url')}`
}

/** The 32 random bytes of a token of the current format (after its prefix and row id). */
export function tokenSecretBytes(value: string): Buffer {
  return Buffer.from(value.replace(/^lk[a-z]+_/, '').slice(22), 'base64url')
}
