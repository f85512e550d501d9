/**
 * @module
 * The values of access, refresh and personal tokens, and the lookup key stored in their place.
 *
 * A token carries its row id (a UUIDv7) in front of its secret:
 * `lkat_` + base64url(16-byte row id) + base64url(32 random bytes), 65 characters after the prefix.
 * The store keeps `<row id as 32 hex digits>.<SHA-256 of the whole token, base64url>`. UUIDv7s grow
 * with time, so a new key lands at the right-hand edge of the unique index instead of on a random
 * leaf page: issuing a token touches the same few hot pages with 1,000,000 tokens stored as with ten
 * (bench/README.md, step 11). Looking a token up is still an exact match on a digest that only the
 * token's holder can compute; the id in front reveals when the token was issued, nothing more.
 *
 * Tokens issued before this format (prefix + 43 random characters) keep working until they expire
 * or are revoked: their key is the bare hex SHA-256, as it always was.
 */
import { PREFIX, randomBase64Url, sha256Base64Url, sha256Hex } from './secrets.ts'

/**
 * The kind of a token, in every layer: an OAuth access token, a refresh token, or a personal access
 * token. The store keeps `access_tokens.kind` in its own words and translates (store/database.ts);
 * GraphQL's `TokenKind` enum maps its values 1:1 (graphql/refs.ts).
 */
export type TokenKind = 'access' | 'refresh' | 'personal'

const SELECTOR_CHARS = 22 // base64url of a 16-byte UUID, unpadded
const SECRET_CHARS = 43 // base64url of 32 random bytes (256 bits), unpadded
const LEGACY_CHARS = 43 // before the selector: the 32 random bytes alone
const BASE64URL = /^[A-Za-z0-9_-]+$/

/** A new token for the row `id` (a UUIDv7 from `newId()`), with the key it is stored under. */
export function newToken(kind: TokenKind, id: string): { value: string; key: string } {
  const idBytes = Uint8Array.fromHex(id.replaceAll('-', ''))
  const value = PREFIX[kind] + idBytes.toBase64({ alphabet: 'base64url', omitPadding: true }) + randomBase64Url(32)
  return { value, key: `${idBytes.toHex()}.${sha256Base64Url(value)}` }
}

/**
 * The key a token of this kind is stored under, or undefined when the value cannot be such a
 * token (wrong prefix, length or alphabet): no lookup is needed to reject it.
 */
export function tokenLookupKey(value: string, kind: TokenKind): string | undefined {
  const prefix = PREFIX[kind]
  if (!value.startsWith(prefix)) return undefined
  const length = value.length - prefix.length
  if (length === SELECTOR_CHARS + SECRET_CHARS) {
    if (!BASE64URL.test(value.slice(prefix.length))) return undefined
    const selector = Uint8Array.fromBase64(value.slice(prefix.length, prefix.length + SELECTOR_CHARS), {
      alphabet: 'base64url',
    })
    return `${selector.toHex()}.${sha256Base64Url(value)}`
  }
  if (length === LEGACY_CHARS) return sha256Hex(value)
  return undefined
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/
const MAX_JWT_CHARS = 8192

/**
 * RFC 9068: the key an access token issued as a JWT is stored under, in the same shape as the opaque
 * tokens' (row id, then the SHA-256 of the whole value): its `jti` is the row id.
 */
export function newJwtLookupKey(id: string, jwt: string): string {
  return `${id.replaceAll('-', '')}.${sha256Base64Url(jwt)}`
}

/**
 * The key of a presented JWT access token, read from its `jti` without verifying the signature: only
 * a stored digest of the exact value matches, so a forged or altered JWT finds nothing. Undefined when
 * the value is not shaped like one of Latchkey's JWT access tokens.
 */
export function jwtLookupKey(value: string): string | undefined {
  if (value.length > MAX_JWT_CHARS || !JWT_SHAPE.test(value)) return undefined
  let jti: unknown
  try {
    const payload = Uint8Array.fromBase64(value.split('.')[1]!, { alphabet: 'base64url' })
    jti = (JSON.parse(new TextDecoder().decode(payload)) as { jti?: unknown }).jti
  } catch {
    return undefined
  }
  return typeof jti === 'string' && UUID.test(jti) ? newJwtLookupKey(jti, value) : undefined
}
