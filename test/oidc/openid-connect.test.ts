/**
 * Security cases I (docs/security.md): OpenID Connect discovery, ID tokens, prompt and max_age,
 * signing keys (cases 48–56).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createHash } from 'node:crypto'
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose'
import { Browser } from '../helpers/browser.ts'
import { PASSWORD, R1, type Client } from '../helpers/fixtures.ts'
import { pkcePair } from '../helpers/oauth.ts'
import { freePort, testClock } from '../helpers/server.ts'
import { DIALECTS, exchange, getCode, location, rawAuthorize, setup, tokensFor, type Env } from '../helpers/flows.ts'

const clock = testClock()
let env: Env
let issuer: string
beforeAll(async () => {
  const port = await freePort()
  issuer = `http://127.0.0.1:${port}`
  env = await setup({ clock, config: { port, issuer } })
})
afterAll(async () => {
  await env.server[Symbol.asyncDispose]()
})

async function jwks(path: string): Promise<JSONWebKeySet> {
  const res = await fetch(env.server.url + path)
  expect(res.status).toBe(200)
  return (await res.json()) as JSONWebKeySet
}

const atHash = (accessToken: string) =>
  createHash('sha256').update(accessToken).digest().subarray(0, 16).toString('base64url')

let userCount = 0
async function newUser(): Promise<{ id: string; username: string; browser: Browser }> {
  const username = `ivy${++userCount}`
  const user = await env.server.provider.services.users.create({
    username,
    email: `${username}@example.com`,
    password: PASSWORD,
  })
  return { id: user.id, username, browser: new Browser(env.server.url) }
}

describe.each(DIALECTS)('I. ID tokens ($name)', (dialect) => {
  test('I.49 OIDC Core §3.1.2.1: authorize without openid → no id_token', async () => {
    const tokens = await tokensFor(env, env.f.C1, { dialect, scope: 'profile email' })
    expect(tokens.id_token).toBeUndefined()
  })

  test(
    'I.49 OIDC Core §3.1.2.2; oidcc-ensure-other-scope-order-succeeds: ' + 'scope=email openid → id_token',
    async () => {
      const tokens = await tokensFor(env, env.f.C1, { dialect, scope: 'email openid' })
      expect(tokens.id_token).toBeString()
    },
  )

  test(
    'I.50 OIDC Core §2; oidcc-id-token-signature: the ID token is an RS256 JWS whose kid is in both JWKS, ' +
      'with iss, aud, azp, exp > iat ≈ now and a stable ASCII sub',
    async () => {
      const tokens = await tokensFor(env, env.f.C1, { dialect, scope: 'openid' })
      const header = decodeProtectedHeader(tokens.id_token!)
      expect(header.alg).toBe('RS256')
      for (const path of ['/oauth/discovery/keys', '/login/oauth/keys', dialect.jwks]) {
        const set = await jwks(path)
        expect(set.keys.map((k) => k.kid)).toContain(header.kid)
        const { payload } = await jwtVerify(tokens.id_token!, createLocalJWKSet(set), {
          issuer,
          audience: env.f.C1.clientId,
          algorithms: ['RS256', 'ES256'],
          currentDate: new Date(clock.now() * 1000),
        })
        expect(payload.azp).toBe(env.f.C1.clientId)
        expect(payload.exp!).toBeGreaterThan(payload.iat!)
        expect(payload.iat).toBe(clock.now())
        expect(payload.sub).toBe(env.f.alice.id)
        expect(payload.sub!.length).toBeLessThanOrEqual(255)
        expect(payload.sub).toMatch(/^[\x21-\x7e]+$/)
      }
      const again = await tokensFor(env, env.f.C1, { dialect, scope: 'openid', browser: new Browser(env.server.url) })
      expect(decodeJwt(again.id_token!).sub).toBe(env.f.alice.id)
    },
  )

  test('I.50 oidcc-id-token-unsigned: a tampered or alg=none ID token does not verify against the JWKS', async () => {
    const tokens = await tokensFor(env, env.f.C1, { dialect, scope: 'openid' })
    const [, payload] = tokens.id_token!.split('.')
    const header = { alg: 'none', kid: decodeProtectedHeader(tokens.id_token!).kid }
    const none = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${payload}.`
    const set = createLocalJWKSet(await jwks(dialect.jwks))
    await expect(jwtVerify(none, set)).rejects.toThrow()
    expect(decodeProtectedHeader(tokens.id_token!).alg).not.toBe('none')
  })

  test(
    'I.51 OIDC Core §2, §3.1.2.1: nonce=n-0S6_WzA2Mj is echoed exactly; ' + 'no nonce → success, no nonce claim',
    async () => {
      const withNonce = await tokensFor(env, env.f.C1, { dialect, scope: 'openid', extra: { nonce: 'n-0S6_WzA2Mj' } })
      expect(decodeJwt(withNonce.id_token!).nonce).toBe('n-0S6_WzA2Mj')
      const without = await tokensFor(env, env.f.C1, { dialect, scope: 'openid' })
      expect(decodeJwt(without.id_token!)).not.toHaveProperty('nonce')
    },
  )

  test.each(['RS256', 'ES256'] as const)(
    'I.52 OIDC Core §3.1.3.6, §3.3.2.11: at_hash = base64url(left half of SHA-256(access_token)) for %s',
    async (alg) => {
      const created = await env.server.provider.services.applications.create({
        name: `alg ${alg} ${dialect.name}`,
        redirectUris: ['https://alg.example/cb'],
        idTokenAlg: alg,
      })
      const client: Client = {
        clientId: created.application.clientId,
        secret: created.clientSecret,
        redirectUri: 'https://alg.example/cb',
      }
      const tokens = await tokensFor(env, client, { dialect, scope: 'openid' })
      expect(decodeProtectedHeader(tokens.id_token!).alg).toBe(alg)
      const { payload } = await jwtVerify(tokens.id_token!, createLocalJWKSet(await jwks(dialect.jwks)), {
        currentDate: new Date(clock.now() * 1000),
      })
      expect(payload.at_hash).toBe(atHash(tokens.access_token))
    },
  )
})

describe.each(DIALECTS)('I. prompt and max_age ($name)', (dialect) => {
  const query = (client: Client, extra: Record<string, string>) => {
    const { challenge } = pkcePair()
    return {
      response_type: 'code',
      client_id: client.clientId,
      redirect_uri: client.redirectUri,
      scope: 'openid',
      state: 's',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...extra,
    }
  }

  test(
    'I.53 OIDC Core §3.1.2.1; oidcc-max-age-1: ' +
      'max_age=1 two seconds after login → login again and a newer auth_time',
    async () => {
      const user = await newUser()
      const first = await tokensFor(env, env.f.C1, {
        dialect,
        scope: 'openid',
        browser: user.browser,
        username: user.username,
      })
      const firstAuth = decodeJwt(first.id_token!).auth_time as number
      expect(firstAuth).toBeNumber()
      clock.advance(2)
      const res = await rawAuthorize(env, query(env.f.C1, { max_age: '1' }), {
        path: dialect.authorize,
        browser: user.browser,
      })
      expect(location(res, env.server.url).pathname).toBe('/login')
      const second = await tokensFor(env, env.f.C1, {
        dialect,
        scope: 'openid',
        browser: user.browser,
        username: user.username,
        extra: { max_age: '1' },
      })
      expect(decodeJwt(second.id_token!).auth_time as number).toBeGreaterThan(firstAuth)
    },
  )

  test('I.53 OIDC Core §3.1.2.1; oidcc-max-age-10000: max_age=10000 → no login prompt; auth_time set', async () => {
    await tokensFor(env, env.f.C1, { dialect, scope: 'openid' })
    clock.advance(5)
    const { challenge, verifier } = pkcePair()
    const q = query(env.f.C1, { max_age: '10000', code_challenge: challenge })
    const res = await rawAuthorize(env, q, { path: dialect.authorize, browser: env.browser })
    const url = location(res, env.server.url)
    expect(url.origin + url.pathname).toBe(R1)
    const code = url.searchParams.get('code')!
    expect(code).toStartWith('lkac_')
    expect(
      decodeJwt(
        ((await (await exchange(env, env.f.C1, code, verifier, { dialect })).json()) as { id_token: string }).id_token,
      ).auth_time,
    ).toBeNumber()
  })

  test(
    'I.54 OIDC Core §3.1.2.6; oidcc-prompt-none-not-logged-in: ' +
      'prompt=none without a session → ER(login_required), never a login page',
    async () => {
      const res = await rawAuthorize(env, query(env.f.C1, { prompt: 'none', state: 'x'.repeat(128) }), {
        path: dialect.authorize,
      })
      const url = location(res, env.server.url)
      expect(url.origin + url.pathname).toBe(R1)
      expect(['login_required', 'interaction_required']).toContain(url.searchParams.get('error')!)
      expect(url.searchParams.get('state')).toBe('x'.repeat(128))
      expect(url.searchParams.get('iss')).toBe(issuer)
    },
  )

  test('I.54 oidcc-prompt-none-logged-in: prompt=none with a session and consent → a code, no page', async () => {
    await getCode(env, env.f.C1, { dialect, scope: 'openid' })
    const res = await rawAuthorize(env, query(env.f.C1, { prompt: 'none' }), {
      path: dialect.authorize,
      browser: env.browser,
    })
    const url = location(res, env.server.url)
    expect(url.origin + url.pathname).toBe(R1)
    expect(url.searchParams.get('code')).toStartWith('lkac_')
  })

  test('I.54 OIDC Core §3.1.2.6: prompt=none with a session but no consent → ER(consent_required)', async () => {
    const user = await newUser()
    await user.browser.login(user.username)
    const res = await rawAuthorize(env, query(env.f.C2, { prompt: 'none' }), {
      path: dialect.authorize,
      browser: user.browser,
    })
    const url = location(res, env.server.url)
    expect(url.origin + url.pathname).toBe(env.f.C2.redirectUri)
    expect(url.searchParams.get('error')).toBe('consent_required')
    expect(url.searchParams.get('code')).toBeNull()
  })

  test('I.54 OIDC Core §3.1.2.1: prompt="none login" → ER(invalid_request)', async () => {
    const res = await rawAuthorize(env, query(env.f.C1, { prompt: 'none login' }), {
      path: dialect.authorize,
      browser: env.browser,
    })
    const url = location(res, env.server.url)
    expect(url.origin + url.pathname).toBe(R1)
    expect(url.searchParams.get('error')).toBe('invalid_request')
  })

  test(
    'I.55 OIDC Core §3.1.2.1; oidcc-prompt-login: ' +
      'prompt=login with a session → the login form, then a new auth_time',
    async () => {
      const first = await tokensFor(env, env.f.C1, { dialect, scope: 'openid' })
      clock.advance(3)
      const res = await rawAuthorize(env, query(env.f.C1, { prompt: 'login' }), {
        path: dialect.authorize,
        browser: env.browser,
      })
      const login = location(res, env.server.url)
      expect(login.pathname).toBe('/login')
      expect(await (await env.browser.get(login.pathname + login.search)).text()).toContain('name="password"')
      const second = await tokensFor(env, env.f.C1, { dialect, scope: 'openid', extra: { prompt: 'login' } })
      expect(decodeJwt(second.id_token!).auth_time as number).toBeGreaterThan(
        decodeJwt(first.id_token!).auth_time as number,
      )
    },
  )
})

describe('I.56 signing keys', () => {
  test.each(['/oauth/discovery/keys', '/login/oauth/keys'])(
    'RFC 7518 §6.3.2: %s never carries private members',
    async (path) => {
      const set = await jwks(path)
      expect(set.keys.length).toBeGreaterThanOrEqual(2)
      for (const key of set.keys) {
        for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth']) expect(key).not.toHaveProperty(member)
        expect(key.kid).toBeString()
      }
    },
  )

  test(
    'oidcc-server-rotate-keys: after rotation new tokens carry the new kid; ' +
      'the old key stays published until what it signed has expired',
    async () => {
      const services = env.server.provider.services
      const before = await tokensFor(env, env.f.C1, { scope: 'openid' })
      const oldKid = decodeProtectedHeader(before.id_token!).kid!
      // Rotation as an operator does it: retire the active RS256 key with a publish window, then ensure a new one.
      const publishUntil = clock.now() + services.signingKeys.maxSignedLifetime()
      await env.server.db
        .updateTable('signing_keys')
        .set({ status: 'retired', retired_at: clock.now(), publish_until: publishUntil })
        .where('kid', '=', oldKid)
        .execute()
      await services.signingKeys.ensure()
      const after = await tokensFor(env, env.f.C1, { scope: 'openid' })
      const newKid = decodeProtectedHeader(after.id_token!).kid!
      expect(newKid).not.toBe(oldKid)
      for (const path of ['/oauth/discovery/keys', '/login/oauth/keys']) {
        const set = await jwks(path)
        expect(set.keys.map((k) => k.kid)).toEqual(expect.arrayContaining([oldKid, newKid]))
        await jwtVerify(before.id_token!, createLocalJWKSet(set), { currentDate: new Date(clock.now() * 1000) })
      }
      clock.advance(publishUntil - clock.now() + 10)
      const later = await jwks('/oauth/discovery/keys')
      expect(later.keys.map((k) => k.kid)).not.toContain(oldKid)
      expect(later.keys.map((k) => k.kid)).toContain(newKid)
    },
  )
})
