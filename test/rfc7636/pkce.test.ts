/** Security cases C (docs/security.md): PKCE (RFC 7636) at /authorize and at the token endpoint. */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createHash } from 'node:crypto'
import { P1_URI, R1 } from '../helpers/fixtures.ts'
import { pkcePair } from '../helpers/oauth.ts'
import type { Client } from '../helpers/fixtures.ts'
import {
  DIALECTS,
  exchange,
  location,
  rawAuthorize,
  setup,
  TOKEN_VARIANTS,
  type Dialect,
  type Env,
} from '../helpers/flows.ts'

let env: Env
beforeAll(async () => {
  env = await setup()
})
afterAll(async () => {
  await env.server[Symbol.asyncDispose]()
})

const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url')

/** A code for `client` bound to exactly this challenge (or none). */
async function codeWith(client: Client, dialect: Dialect, challenge: Record<string, string>): Promise<string> {
  const redirect = await env.browser.authorize(
    {
      response_type: 'code',
      client_id: client.clientId,
      redirect_uri: client.redirectUri,
      scope: 'openid',
      state: 's',
      ...challenge,
    },
    { path: dialect.authorize },
  )
  const code = redirect.searchParams.get('code')
  if (!code) throw new Error(`no code: ${redirect}`)
  return code
}

async function expectInvalidGrant(res: Response): Promise<void> {
  expect(res.status).toBe(400)
  expect(((await res.json()) as { error: string }).error).toBe('invalid_grant')
}

function expectErRedirect(res: Response, redirectUri: string, error: string): void {
  const url = location(res, env.server.url)
  expect(url.origin + url.pathname).toBe(redirectUri)
  expect(url.searchParams.get('error')).toBe(error)
  expect(url.searchParams.get('state')).toBe('s')
  expect(url.searchParams.get('iss')).toBe(env.server.config.issuer)
  expect(url.searchParams.get('code')).toBeNull()
}

describe.each(DIALECTS)('C. PKCE at /authorize ($name)', (dialect) => {
  const query = (client: Client, redirectUri: string, extra: Record<string, string>) => ({
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: redirectUri,
    scope: 'openid',
    state: 's',
    ...extra,
  })

  test(
    'C.18 RFC 7636 §4.4.1; RFC 9700 ' +
      '§2.1.1; RFC 8252 §8.1: public P1 ' +
      'without code_challenge → ER(invalid_request)',
    async () => {
      expectErRedirect(
        await rawAuthorize(env, query(env.f.P1, P1_URI, {}), { path: dialect.authorize, browser: env.browser }),
        P1_URI,
        'invalid_request',
      )
    },
  )

  test.each(['plain', 'S512', 's256', 'S256 ', ''])(
    'C.22 RFC 7636 §4.3, §4.4.1: code_challenge_method=%p (plain disabled) → ER(invalid_request)',
    async (method) => {
      const { challenge } = pkcePair()
      const res = await rawAuthorize(
        env,
        query(env.f.C1, R1, { code_challenge: challenge, code_challenge_method: method }),
        { path: dialect.authorize },
      )
      expectErRedirect(res, R1, 'invalid_request')
    },
  )

  test(
    'C.22 RFC 7636 §4.3: a challenge without a method defaults to plain → ER(invalid_request) ' +
      'when plain is off, never silently S256',
    async () => {
      const { challenge } = pkcePair()
      expectErRedirect(
        await rawAuthorize(env, query(env.f.C1, R1, { code_challenge: challenge }), { path: dialect.authorize }),
        R1,
        'invalid_request',
      )
      expectErRedirect(
        await rawAuthorize(env, query(env.f.P1, P1_URI, { code_challenge: challenge }), { path: dialect.authorize }),
        P1_URI,
        'invalid_request',
      )
    },
  )

  test.each([
    ['42 characters', 'A'.repeat(42)],
    ['44 characters', 'A'.repeat(44)],
    ['standard base64 with +', 'A'.repeat(42) + '+'],
    ['padding', 'A'.repeat(42) + '='],
    ['empty', ''],
  ])(
    'C.22 RFC 7636 §4.2: an S256 challenge that is not 43 base64url characters (%s) → ER(invalid_request)',
    async (_, challenge) => {
      const res = await rawAuthorize(
        env,
        query(env.f.C1, R1, { code_challenge: challenge, code_challenge_method: 'S256' }),
        { path: dialect.authorize },
      )
      expectErRedirect(res, R1, 'invalid_request')
    },
  )
})

describe.each(TOKEN_VARIANTS)('C. PKCE at the token endpoint ($label)', ({ dialect, json }) => {
  test.each(['C1', 'P1'] as const)(
    'C.19 RFC 7636 §4.6; Gitea CVE-2026-26247: %s authorized with an S256 challenge, token ' +
      'request without code_verifier → invalid_grant',
    async (name) => {
      const client = env.f[name]
      const { challenge } = pkcePair()
      const code = await codeWith(client, dialect, { code_challenge: challenge, code_challenge_method: 'S256' })
      await expectInvalidGrant(await exchange(env, client, code, undefined, { dialect, json }))
    },
  )

  test.each(['C1', 'P1'] as const)(
    'C.20 RFC 7636 §4.6; oidcc-ensure-request-with-valid-pkce-succeeds: %s with a wrong, ' +
      'well-formed verifier → invalid_grant; the right one → 200',
    async (name) => {
      const client = env.f[name]
      const { challenge, verifier } = pkcePair()
      const wrongCode = await codeWith(client, dialect, { code_challenge: challenge, code_challenge_method: 'S256' })
      await expectInvalidGrant(await exchange(env, client, wrongCode, pkcePair().verifier, { dialect, json }))
      const code = await codeWith(client, dialect, { code_challenge: challenge, code_challenge_method: 'S256' })
      expect((await exchange(env, client, code, verifier, { dialect, json })).status).toBe(200)
    },
  )

  test(
    'C.21 RFC 9700 §2.1.1, §4.8.2; Keycloak PR 26808: C1 authorized without code_challenge, ' +
      'token request with a code_verifier → invalid_grant',
    async () => {
      const code = await codeWith(env.f.C1, dialect, {})
      await expectInvalidGrant(await exchange(env, env.f.C1, code, pkcePair().verifier, { dialect, json }))
    },
  )

  test.each([
    ['42 characters', 'a'.repeat(42)],
    ['129 characters', 'a'.repeat(129)],
    ['a space', 'a'.repeat(21) + ' ' + 'a'.repeat(21)],
    ['%', 'a'.repeat(42) + '%'],
    ['non-ASCII', 'a'.repeat(42) + 'é'],
  ])(
    'C.22 RFC 7636 §4.1: a code_verifier with %s → error, never 200 (even when its S256 matches the challenge)',
    async (_, verifier) => {
      // The challenge is computed from the malformed verifier, so only the format rule can refuse it.
      const code = await codeWith(env.f.C1, dialect, { code_challenge: s256(verifier), code_challenge_method: 'S256' })
      const res = await exchange(env, env.f.C1, code, verifier, { dialect, json })
      expect(res.status).toBe(400)
      expect(['invalid_grant', 'invalid_request']).toContain(((await res.json()) as { error: string }).error)
    },
  )

  test('issue 16: a standard-base64 verifier (+ / =, as git-credential-oauth 0.4.2 sends) is accepted', async () => {
    const verifier = Buffer.from(new Uint8Array(32).fill(0xfb)).toString('base64')
    expect(verifier).toMatch(/[+/=]/)
    const code = await codeWith(env.f.C1, dialect, { code_challenge: s256(verifier), code_challenge_method: 'S256' })
    expect((await exchange(env, env.f.C1, code, verifier, { dialect, json })).status).toBe(200)
  })

  test('C.22 RFC 7636 §4.1: boundary verifiers of 43 and 128 characters are accepted', async () => {
    for (const verifier of ['A-._~'.repeat(9).slice(0, 43), 'z'.repeat(128)]) {
      const code = await codeWith(env.f.C1, dialect, { code_challenge: s256(verifier), code_challenge_method: 'S256' })
      expect((await exchange(env, env.f.C1, code, verifier, { dialect, json })).status).toBe(200)
    }
  })
})
