/**
 * Security cases G (docs/security.md): introspection (RFC 7662), cases 38–40;
 * token info (G.41) is in test/rfc6750/token-info.test.ts.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { basic, postForm } from '../helpers/oauth.ts'
import { testClock } from '../helpers/server.ts'
import { BODIES, getCode, setup, tokensFor, type Env } from '../helpers/flows.ts'

const clock = testClock()
let env: Env
beforeAll(async () => {
  env = await setup({ clock })
})
afterAll(async () => {
  await env.server[Symbol.asyncDispose]()
})

const PATHS = ['/oauth/introspect', '/login/oauth/introspect']
const VARIANTS = PATHS.flatMap((path) => BODIES.map((b) => ({ label: `${path}, ${b.name} body`, path, json: b.json })))

describe.each(VARIANTS)('G. introspection ($label)', ({ path, json }) => {
  const introspectAs = async (client: Parameters<typeof postForm>[2], token: string) => {
    const res = await postForm(env.server.url, path, client, { token }, { json })
    return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers }
  }

  test('G.38 RFC 7662 §2.1 (MUST require authorization; token scanning): no client auth → 401', async () => {
    const tokens = await tokensFor(env, env.f.C1)
    const none = await introspectAs(null, tokens.access_token)
    expect(none.status).toBe(401)
    expect(none.body.active).toBeUndefined()
    // a public client's client_id alone is no authentication either
    const publicOnly = await introspectAs(env.f.P1, tokens.access_token)
    expect(publicOnly.status).toBe(401)
    expect(publicOnly.body.active).toBeUndefined()
    const wrong = await fetch(env.server.url + path, {
      method: 'POST',
      headers: {
        Authorization: basic(env.f.RS.clientId, 'lkcs_wrong'),
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ token: tokens.access_token }),
    })
    expect(wrong.status).toBe(401)
    const bearer = await fetch(env.server.url + path, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${tokens.access_token}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ token: tokens.access_token }),
    })
    expect(bearer.status).toBe(401)
  })

  test('G.39 RFC 7662 §2.2: an active AT → active, scope, client_id, token_type, exp, iat, sub, iss', async () => {
    const tokens = await tokensFor(env, env.f.C1)
    const { status, body, headers } = await introspectAs(env.f.RS, tokens.access_token)
    expect(status).toBe(200)
    expect(headers.get('cache-control')).toBe('no-store')
    expect(body).toMatchObject({
      active: true,
      scope: 'openid profile email',
      client_id: env.f.C1.clientId,
      token_type: 'Bearer',
      sub: env.f.alice.id,
      iss: env.server.config.issuer,
    })
    expect(body.iat).toBe(clock.now())
    expect(body.exp).toBe(clock.now() + tokens.expires_in)
    expect(JSON.stringify(body)).not.toContain(tokens.access_token)
  })

  test('G.39 RFC 7662 §2.2: an active RT → active with its client and subject', async () => {
    const tokens = await tokensFor(env, env.f.C1)
    const { body } = await introspectAs(env.f.RS, tokens.refresh_token!)
    expect(body).toMatchObject({ active: true, client_id: env.f.C1.clientId, sub: env.f.alice.id })
    expect(body.token_type).not.toBe('Bearer')
  })

  test('G.39 RFC 7662 §2.2: expired, revoked, garbage tokens and a CODE → exactly {"active":false}', async () => {
    const revoked = await tokensFor(env, env.f.C1)
    await postForm(env.server.url, '/oauth/revoke', env.f.C1, { token: revoked.access_token })
    const { code } = await getCode(env, env.f.C1)
    const expiring = await tokensFor(env, env.f.C1)
    clock.advance(expiring.expires_in)
    for (const token of [
      expiring.access_token,
      revoked.access_token,
      code,
      'garbage',
      'lkat_' + 'A'.repeat(43),
      'lkrt_',
      '',
    ]) {
      const { status, body } = await introspectAs(env.f.RS, token)
      if (token === '') {
        expect(status).toBe(400) // a missing token is a malformed request, not an inactive token
        continue
      }
      expect(status).toBe(200)
      expect(body).toEqual({ active: false })
    }
  })

  test(
    'G.40 Gitea GHSA-vxv2-8j6r-pcpg; RFC 7662 §4: C2 (not a resource server) introspecting ' +
      'C1\'s token → {"active":false}; C1 sees its own',
    async () => {
      const tokens = await tokensFor(env, env.f.C1)
      for (const token of [tokens.access_token, tokens.refresh_token!]) {
        const other = await introspectAs(env.f.C2, token)
        expect(other.status).toBe(200)
        expect(other.body).toEqual({ active: false })
      }
      expect((await introspectAs(env.f.C1, tokens.access_token)).body).toMatchObject({ active: true })
      expect((await introspectAs(env.f.RS, tokens.access_token)).body).toMatchObject({ active: true })
    },
  )
})
