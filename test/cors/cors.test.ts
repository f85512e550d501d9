/**
 * Security cases K (docs/security.md): CORS on the token-facing API, and none on
 * cookie-authenticated surfaces (cases 61–62).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { R1 } from '../helpers/fixtures.ts'
import { basic } from '../helpers/oauth.ts'
import { setup, tokensFor, type Env } from '../helpers/flows.ts'

let env: Env
beforeAll(async () => {
  env = await setup()
})
afterAll(async () => {
  await env.server[Symbol.asyncDispose]()
})

const ORIGIN = 'https://spa.example'
const API: Array<[string, 'GET' | 'POST']> = [
  ['/oauth/token', 'POST'],
  ['/login/oauth/access_token', 'POST'],
  ['/oauth/revoke', 'POST'],
  ['/oauth/introspect', 'POST'],
  ['/login/oauth/introspect', 'POST'],
  ['/oauth/userinfo', 'POST'],
  ['/oauth/userinfo', 'GET'],
  ['/login/oauth/userinfo', 'GET'],
  ['/oauth/token/info', 'GET'],
  ['/oauth/discovery/keys', 'GET'],
  ['/login/oauth/keys', 'GET'],
  ['/.well-known/openid-configuration', 'GET'],
  ['/.well-known/oauth-authorization-server', 'GET'],
]

/** RFC 9700 §2.6: a reflected origin needs Vary: Origin, and credentials are never allowed with it. */
function expectSafeCors(res: Response): void {
  const allow = res.headers.get('access-control-allow-origin')
  expect(allow === '*' || allow === ORIGIN).toBe(true)
  if (allow === ORIGIN) expect(res.headers.get('vary') ?? '').toMatch(/origin/i)
  if (res.headers.get('access-control-allow-credentials') === 'true') expect(allow).not.toBe('*')
  expect(res.headers.get('access-control-allow-credentials')).not.toBe('true')
}

describe('K.61 CORS with preflight on the token-facing API', () => {
  test.each(API)(
    'RFC 9700 §2.6; Keycloak TokenEndpointCorsTest: OPTIONS %s for %s → 2xx with matching Access-Control-Allow-*',
    async (path, method) => {
      const res = await fetch(env.server.url + path, {
        method: 'OPTIONS',
        headers: {
          Origin: ORIGIN,
          'Access-Control-Request-Method': method,
          'Access-Control-Request-Headers': 'authorization, content-type',
        },
      })
      expect(res.status).toBeGreaterThanOrEqual(200)
      expect(res.status).toBeLessThan(300)
      expectSafeCors(res)
      const methods = (res.headers.get('access-control-allow-methods') ?? '')
        .split(',')
        .map((m) => m.trim().toUpperCase())
      expect(methods).toContain(method)
      const headers = (res.headers.get('access-control-allow-headers') ?? '')
        .split(',')
        .map((h) => h.trim().toLowerCase())
      expect(headers).toEqual(expect.arrayContaining(['authorization', 'content-type']))
    },
  )

  test.each(['/oauth/token', '/login/oauth/access_token', '/oauth/revoke', '/oauth/introspect'])(
    'Keycloak TokenEndpointCorsTest: a 4xx RFC error from %s keeps the CORS headers',
    async (path) => {
      const res = await fetch(env.server.url + path, {
        method: 'POST',
        headers: {
          Origin: ORIGIN,
          Authorization: basic(env.f.C1.clientId, 'lkcs_wrong'),
          'Content-Type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ grant_type: 'authorization_code', code: 'x', token: 'x' }),
      })
      expect(res.status).toBe(401)
      expectSafeCors(res)
      expect(((await res.json()) as { error: string }).error).toBe('invalid_client')
      expect((res.headers.get('access-control-expose-headers') ?? '').toLowerCase()).toContain('www-authenticate')
    },
  )

  test.each(['/oauth/userinfo', '/login/oauth/userinfo', '/oauth/token/info'])(
    'Keycloak UserInfoEndpointCorsTest: 401 from %s keeps CORS and exposes WWW-Authenticate; 200 carries CORS too',
    async (path) => {
      const denied = await fetch(env.server.url + path, {
        headers: { Origin: ORIGIN, Authorization: 'Bearer lkat_nope' },
      })
      expect(denied.status).toBe(401)
      expectSafeCors(denied)
      expect((denied.headers.get('access-control-expose-headers') ?? '').toLowerCase()).toContain('www-authenticate')
      const tokens = await tokensFor(env, env.f.C1, { scope: 'openid' })
      const ok = await fetch(env.server.url + path, {
        headers: { Origin: ORIGIN, Authorization: `Bearer ${tokens.access_token}` },
      })
      expect(ok.status).toBe(200)
      expectSafeCors(ok)
    },
  )

  test('Keycloak TokenEndpointCorsTest: a successful token response carries CORS headers', async () => {
    const tokens = await tokensFor(env, env.f.C1, { scope: 'openid' })
    const res = await fetch(env.server.url + '/oauth/revoke', {
      method: 'POST',
      headers: {
        Origin: ORIGIN,
        Authorization: basic(env.f.C1.clientId, env.f.C1.secret!),
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ token: tokens.access_token }),
    })
    expect(res.status).toBe(200)
    expectSafeCors(res)
  })
})

describe('K.62 no CORS on cookie-authenticated surfaces', () => {
  beforeAll(async () => {
    await env.browser.login()
  })
  const query = () =>
    new URLSearchParams({
      response_type: 'code',
      client_id: env.f.C1.clientId,
      redirect_uri: R1,
      scope: 'openid',
      state: 's',
    }).toString()

  test.each([
    ['/oauth/authorize', 'GET'],
    ['/login/oauth/authorize', 'GET'],
    ['/oauth/authorize', 'POST'],
    ['/oauth/authorize/decision', 'POST'],
    ['/login', 'GET'],
    ['/login', 'POST'],
    ['/logout', 'GET'],
    ['/logout', 'POST'],
    ['/', 'GET'],
  ])(
    'RFC 9700 §2.6: %s (%s) with a session cookie and a foreign Origin → no Access-Control-Allow-Origin, ' +
      'preflight included',
    async (path, method) => {
      expect(env.browser.cookies.has('latchkey_session')).toBe(true)
      const url = `${path}?${query()}`
      const pre = await env.browser.request(url, {
        method: 'OPTIONS',
        headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': method },
      })
      expect(pre.headers.get('access-control-allow-origin')).toBeNull()
      expect(pre.headers.get('access-control-allow-credentials')).toBeNull()
      const init: RequestInit =
        method === 'POST'
          ? {
              method,
              headers: { Origin: 'https://evil.example', 'Content-Type': 'application/x-www-form-urlencoded' },
              body: query(),
            }
          : { headers: { Origin: 'https://evil.example' } }
      const res = await env.browser.request(url, init)
      expect(res.headers.get('access-control-allow-origin')).toBeNull()
      expect(res.headers.get('access-control-allow-credentials')).toBeNull()
    },
  )
})
