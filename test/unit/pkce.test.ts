/** PKCE rules (src/oauth/pkce.ts), tested without a server: RFC 7636 §4.1–§4.6, RFC 9700 §4.8.2. */
import { describe, expect, test } from 'bun:test'
import { createHash } from 'node:crypto'
import { InvalidGrant, InvalidRequest } from '../../src/handler/errors.ts'
import { parseChallenge, verifyPkce } from '../../src/oauth/pkce.ts'

const UNRESERVED = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~'
const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url')
const verifier43 = 'a'.repeat(43)

function refusal(run: () => unknown): unknown {
  try {
    run()
  } catch (error) {
    return error
  }
  throw new Error('expected a refusal')
}

describe('RFC 7636 §4.1: code_verifier = 43*128 unreserved characters', () => {
  test.each([
    ['43 characters (the minimum)', 'a'.repeat(43)],
    ['128 characters (the maximum)', 'b'.repeat(128)],
    ['every unreserved character: ALPHA / DIGIT / "-" / "." / "_" / "~"', UNRESERVED],
  ])('accepted: %s', (_name, verifier) => {
    expect(() => verifyPkce({ challenge: s256(verifier), method: 'S256' }, verifier)).not.toThrow()
  })

  // git-credential-oauth 0.4.2 sends base64.StdEncoding of 32 random bytes: 44 characters ending in "=".
  const helperVerifier = Buffer.from(new Uint8Array(32).fill(0xfb)).toString('base64')
  test.each([
    ['a "+" (base64, not base64url)', `${'a'.repeat(42)}+`],
    ['a "/"', `${'a'.repeat(42)}/`],
    ['a "=" padding character', `${'a'.repeat(42)}=`],
    [`git-credential-oauth 0.4.2's standard base64 verifier (${helperVerifier})`, helperVerifier],
  ])('issue 16: accepted although outside §4.1, hashed exactly as sent: %s', (_name, verifier) => {
    expect(() => verifyPkce({ challenge: s256(verifier), method: 'S256' }, verifier)).not.toThrow()
    // The challenge is over the exact string: the base64url spelling of the same bytes does not match.
    const respelled = verifier.replaceAll('+', '-').replaceAll('/', '_').replaceAll('=', '')
    if (respelled.length >= 43) {
      const error = refusal(() => verifyPkce({ challenge: s256(verifier), method: 'S256' }, respelled))
      expect(error).toBeInstanceOf(InvalidGrant)
    }
  })

  test.each([
    ['42 characters (too short)', 'a'.repeat(42)],
    ['129 characters (too long)', 'a'.repeat(129)],
    ['a space', `${'a'.repeat(42)} `],
    ['a non-ASCII letter', `${'a'.repeat(42)}é`],
    ['the empty string', ''],
    ['a "%" (never in base64 either)', `${'a'.repeat(42)}%`],
    ['a 129-character base64 string', `${'+'.repeat(129)}`],
  ])('refused with invalid_grant even when its hash matches: %s', (_name, verifier) => {
    const error = refusal(() => verifyPkce({ challenge: s256(verifier), method: 'S256' }, verifier))
    expect(error).toBeInstanceOf(InvalidGrant)
  })
})

describe('RFC 7636 §4.2: S256 challenge = BASE64URL(SHA256(ASCII(code_verifier)))', () => {
  test('the RFC 7636 Appendix B example verifier matches its challenge', () => {
    const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'
    const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'
    expect(parseChallenge(challenge, 'S256', false)).toEqual({ challenge, method: 'S256' })
    expect(() => verifyPkce({ challenge, method: 'S256' }, verifier)).not.toThrow()
  })

  test('§4.6: a different well-formed verifier is refused with invalid_grant', () => {
    const error = refusal(() => verifyPkce({ challenge: s256(verifier43), method: 'S256' }, 'c'.repeat(43)))
    expect(error).toBeInstanceOf(InvalidGrant)
  })

  test('§4.6: sending the challenge itself as the verifier does not pass S256', () => {
    const challenge = s256(verifier43)
    expect(refusal(() => verifyPkce({ challenge, method: 'S256' }, challenge))).toBeInstanceOf(InvalidGrant)
  })

  test.each([
    ['42 characters', 'a'.repeat(42)],
    ['44 characters', 'a'.repeat(44)],
    ['base64 "+" and "/"', `${'a'.repeat(41)}+/`],
    ['"=" padding', `${'a'.repeat(42)}=`],
  ])(
    '§4.2: an S256 challenge that cannot be a base64url SHA-256 digest is refused at /authorize: %s',
    (_name, challenge) => {
      expect(refusal(() => parseChallenge(challenge, 'S256', true))).toBeInstanceOf(InvalidRequest)
    },
  )
})

describe('RFC 7636 §4.2 / §4.3: plain and the default method', () => {
  test('§4.3: no code_challenge_method means plain, never silently S256', () => {
    expect(parseChallenge(verifier43, undefined, true)).toEqual({ challenge: verifier43, method: 'plain' })
  })

  test('§4.2: plain compares the verifier itself', () => {
    expect(() => verifyPkce({ challenge: verifier43, method: 'plain' }, verifier43)).not.toThrow()
    expect(refusal(() => verifyPkce({ challenge: verifier43, method: 'plain' }, 'b'.repeat(43)))).toBeInstanceOf(
      InvalidGrant,
    )
  })

  test('RFC 9700 §2.1.1: plain is refused when the server does not allow it, named or defaulted', () => {
    expect(refusal(() => parseChallenge(verifier43, 'plain', false))).toBeInstanceOf(InvalidRequest)
    expect(refusal(() => parseChallenge(verifier43, undefined, false))).toBeInstanceOf(InvalidRequest)
  })

  test('§4.2: a plain challenge must itself be a valid verifier (43–128 unreserved)', () => {
    expect(refusal(() => parseChallenge('a'.repeat(42), 'plain', true))).toBeInstanceOf(InvalidRequest)
    expect(refusal(() => parseChallenge(`${'a'.repeat(42)}!`, 'plain', true))).toBeInstanceOf(InvalidRequest)
  })

  test.each(['s256', 'SHA256', 'S512', ''])(
    '§4.4.1: an unknown method %p is refused (methods are case-sensitive)',
    (method) => {
      expect(refusal(() => parseChallenge(s256(verifier43), method, true))).toBeInstanceOf(InvalidRequest)
    },
  )

  test('§4.3: code_challenge_method without code_challenge is refused', () => {
    expect(refusal(() => parseChallenge(undefined, 'S256', true))).toBeInstanceOf(InvalidRequest)
  })

  test('§4.3: no challenge and no method means no PKCE for this code', () => {
    expect(parseChallenge(undefined, undefined, false)).toBeNull()
  })
})

describe('RFC 7636 §4.5 / §4.6 and RFC 9700 §4.8.2: the token request', () => {
  test('§4.5: a code issued with a challenge needs code_verifier', () => {
    expect(refusal(() => verifyPkce({ challenge: s256(verifier43), method: 'S256' }, undefined))).toBeInstanceOf(
      InvalidGrant,
    )
  })

  test('RFC 9700 §4.8.2: a verifier for a code issued without a challenge is refused (PKCE downgrade)', () => {
    expect(refusal(() => verifyPkce(null, verifier43))).toBeInstanceOf(InvalidGrant)
  })

  test('a code issued without a challenge and redeemed without a verifier passes this rule', () => {
    expect(() => verifyPkce(null, undefined)).not.toThrow()
  })
})
