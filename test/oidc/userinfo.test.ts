/**
 * Security cases J (docs/security.md): userinfo (GET|POST /oauth/userinfo and
 * /login/oauth/userinfo), cases 57–60.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { decodeJwt } from 'jose'
import { postForm } from '../helpers/oauth.ts'
import { testClock } from '../helpers/server.ts'
import { DIALECTS, setup, tokensFor, type Env } from '../helpers/flows.ts'

const clock = testClock()
let env: Env
beforeAll(async () => {
  env = await setup({ clock })
})
afterAll(async () => {
  await env.server[Symbol.asyncDispose]()
})

const PROFILE_CLAIMS = ['name', 'preferred_username', 'nickname', 'updated_at']

describe.each(DIALECTS)('J. userinfo ($name)', (dialect) => {
  const url = () => env.server.url + dialect.userinfo

  test(
    'J.57 OIDC Core §5.3, §5.3.2; oidcc-userinfo-get, -post-header, -post-body: ' +
      "GET and POST with the header, POST with a form body → 200 JSON with the ID token's sub",
    async () => {
      const tokens = await tokensFor(env, env.f.C1, { dialect, scope: 'openid' })
      const sub = decodeJwt(tokens.id_token!).sub
      const auth = { Authorization: `Bearer ${tokens.access_token}` }
      const responses = [
        await fetch(url(), { headers: auth }),
        await fetch(url(), { method: 'POST', headers: auth }),
        await fetch(url(), {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ access_token: tokens.access_token }),
        }),
      ]
      for (const res of responses) {
        expect(res.status).toBe(200)
        expect(res.headers.get('content-type')).toStartWith('application/json')
        expect(((await res.json()) as { sub: string }).sub).toBe(sub!)
      }
    },
  )

  test('J.58 RFC 6750 §3.1: no token → 401 with a Bearer challenge without an error code', async () => {
    for (const init of [{}, { method: 'POST' }]) {
      const res = await fetch(url(), init)
      expect(res.status).toBe(401)
      const challenge = res.headers.get('www-authenticate') ?? ''
      expect(challenge).toMatch(/^Bearer\b/)
      expect(challenge).not.toContain('error=')
    }
  })

  test('J.58 RFC 6750 §3.1: a bad, revoked, expired or refresh token → 401 error="invalid_token"', async () => {
    const revoked = await tokensFor(env, env.f.C1, { dialect, scope: 'openid' })
    await postForm(env.server.url, '/oauth/revoke', env.f.C1, { token: revoked.access_token })
    const expiring = await tokensFor(env, env.f.C1, { dialect, scope: 'openid' })
    const live = await tokensFor(env, env.f.C1, { dialect, scope: 'openid' })
    clock.advance(expiring.expires_in)
    const cases = [
      'lkat_' + 'A'.repeat(43),
      'garbage',
      revoked.access_token,
      expiring.access_token,
      live.refresh_token!,
    ]
    for (const token of cases) {
      const res = await fetch(url(), { headers: { Authorization: `Bearer ${token}` } })
      expect(res.status).toBe(401)
      expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"')
    }
    const malformed = await fetch(url(), { headers: { Authorization: 'Bearer a b c' } })
    expect(malformed.status).toBe(401)
  })

  test('J.58 OIDC Core §5.3.3; RFC 6750 §3.1: token without openid → 403 error="insufficient_scope"', async () => {
    const tokens = await tokensFor(env, env.f.C1, { dialect, scope: 'profile email' })
    const res = await fetch(url(), { headers: { Authorization: `Bearer ${tokens.access_token}` } })
    expect(res.status).toBe(403)
    expect(res.headers.get('www-authenticate')).toContain('error="insufficient_scope"')
    const body = (await res.json()) as Record<string, unknown>
    expect(body.sub).toBeUndefined()
    expect(body.email).toBeUndefined()
  })

  test.each([
    ['openid', ['sub']],
    ['openid email', ['sub', 'email', 'email_verified']],
    ['openid profile', ['sub', ...PROFILE_CLAIMS]],
    ['openid profile email', ['sub', ...PROFILE_CLAIMS, 'email', 'email_verified']],
    ['openid read_user', ['sub']],
  ])(
    'J.59 OIDC Core §5.4; oidcc-scope-email, -profile, -all: scope %p releases exactly its claims',
    async (scope, claims) => {
      const tokens = await tokensFor(env, env.f.C1, { dialect, scope })
      const body = (await (
        await fetch(url(), { headers: { Authorization: `Bearer ${tokens.access_token}` } })
      ).json()) as Record<string, unknown>
      expect(Object.keys(body).sort()).toEqual([...claims].sort())
      if (claims.includes('email')) expect(body.email).toBe('alice@example.com')
    },
  )

  test(
    'J.60 RFC 6750 §2.3; RFC 9700 §4.3.2; RFC 6819 §4.6.7: ?access_token= works, ' +
      'the answer is not cacheable, and the token never reaches the logs',
    async () => {
      const tokens = await tokensFor(env, env.f.C1, { dialect, scope: 'openid' })
      const res = await fetch(`${url()}?access_token=${encodeURIComponent(tokens.access_token)}`)
      expect(res.status).toBe(200)
      expect(res.headers.get('cache-control')).toMatch(/no-store|private/)
      const rejected = await fetch(`${url()}?access_token=${encodeURIComponent(tokens.refresh_token!)}`)
      expect(rejected.status).toBe(401)
      const logs = env.server.logs.join('\n')
      expect(logs).toContain(dialect.userinfo)
      expect(logs).not.toContain(tokens.access_token)
      expect(logs).not.toContain(tokens.refresh_token!)
      expect(logs).not.toContain(tokens.access_token.slice(5, 25))
    },
  )

  test('J.58 RFC 6750 §2: a token sent in two ways at once → 400 invalid_request', async () => {
    const tokens = await tokensFor(env, env.f.C1, { dialect, scope: 'openid' })
    const res = await fetch(`${url()}?access_token=${encodeURIComponent(tokens.access_token)}`, {
      headers: { Authorization: `Bearer ${tokens.access_token}` },
    })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: string }).error).toBe('invalid_request')
  })
})
