/**
 * Security case G.41 (docs/security.md): Doorkeeper's token info (GET /oauth/token/info),
 * a bearer-token resource (RFC 6750).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { postForm } from '../helpers/oauth.ts'
import { testClock } from '../helpers/server.ts'
import { setup, tokenInfo, tokensFor, type Env } from '../helpers/flows.ts'

const clock = testClock()
let env: Env
beforeAll(async () => {
  env = await setup({ clock })
})
afterAll(async () => {
  await env.server[Symbol.asyncDispose]()
})

describe('G.41 GET /oauth/token/info', () => {
  test(
    'doorkeeper token info: Bearer AT → 200 with resource_owner_id, scope, expires_in, ' +
      'application.uid, created_at and never a secret',
    async () => {
      const tokens = await tokensFor(env, env.f.C1)
      const res = await tokenInfo(env, tokens.access_token)
      expect(res.status).toBe(200)
      expect(res.headers.get('cache-control')).toBe('no-store')
      const text = await res.text()
      const body = JSON.parse(text) as Record<string, unknown>
      expect(body).toMatchObject({
        resource_owner_id: env.f.alice.id,
        expires_in: tokens.expires_in,
        application: { uid: env.f.C1.clientId },
        created_at: tokens.created_at,
      })
      expect([body.scope].flat().join(' ')).toBe('openid profile email')
      expect(text).not.toMatch(/lk(at|rt|cs|ac)_/)
      expect(text).not.toContain(env.f.C1.secret!)
    },
  )

  test('RFC 6750 §3.1: no token → 401 with a Bearer challenge without an error code', async () => {
    const res = await fetch(env.server.url + '/oauth/token/info')
    expect(res.status).toBe(401)
    const challenge = res.headers.get('www-authenticate') ?? ''
    expect(challenge).toStartWith('Bearer')
    expect(challenge).not.toContain('error=')
  })

  test(
    'RFC 6750 §3.1: an invalid, expired, revoked or refresh token → 401 WWW-Authenticate: ' +
      'Bearer error="invalid_token"',
    async () => {
      const revoked = await tokensFor(env, env.f.C1)
      await postForm(env.server.url, '/oauth/revoke', env.f.C1, { token: revoked.access_token })
      const expiring = await tokensFor(env, env.f.C1)
      clock.advance(expiring.expires_in + 1)
      for (const token of [
        'lkat_' + 'A'.repeat(43),
        'garbage',
        revoked.access_token,
        revoked.refresh_token!,
        expiring.access_token,
      ]) {
        const res = await tokenInfo(env, token)
        expect(res.status).toBe(401)
        expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"')
        expect(await res.text()).not.toContain(token)
      }
    },
  )
})
