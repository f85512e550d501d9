/**
 * RFC 9068 JWT access tokens (issue 18): a resource registered with token format `jwt` gets access tokens
 * a resource server verifies offline against the JWKS, whose `jti` is a stored row, so revocation
 * (RFC 7009) and introspection (RFC 7662) work for them as for opaque tokens. Checked with jose.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose'
import { type Client, PASSWORD } from '../helpers/fixtures.ts'
import { getCode, introspect, setup, userinfo, type Env } from '../helpers/flows.ts'
import { postForm } from '../helpers/oauth.ts'
import { startServer, testClock } from '../helpers/server.ts'

const API = 'https://api.example/v1'
const SHORT = 'https://short.example/'
const clock = testClock()
let env: Env
let app: Client
let jwks: JSONWebKeySet

beforeAll(async () => {
  env = await setup({ clock, config: { passwordGrant: true } })
  const s = env.server.provider.services
  await s.scopes.create({ name: 'api:read', description: 'read the API' })
  await s.resources.create({ name: 'api', uri: API, scopes: ['api:read'], tokenFormat: 'jwt' })
  await s.resources.create({ name: 'short', uri: SHORT, scopes: ['api:read'], tokenFormat: 'jwt', accessTokenTtl: 60 })
  const a = await s.applications.create({
    name: 'API client',
    redirectUris: ['https://client.example/cb'],
    scopes: ['openid', 'offline_access', 'api:read'],
    grantTypes: ['authorization_code', 'refresh_token', 'client_credentials', 'password'],
  })
  app = { clientId: a.application.clientId, secret: a.clientSecret, redirectUri: 'https://client.example/cb' }
  jwks = (await (await fetch(`${env.server.url}/oauth/discovery/keys`)).json()) as JSONWebKeySet
}, 30_000)
afterAll(() => env.server[Symbol.asyncDispose]())

const token = (fields: Record<string, string>) => postForm(env.server.url, '/oauth/token', app, fields)

async function userJwt(): Promise<{ access_token: string; refresh_token?: string; expires_in: number }> {
  const { code, verifier } = await getCode(env, app, {
    scope: 'openid offline_access api:read',
    extra: { resource: API },
  })
  const res = await token({
    grant_type: 'authorization_code',
    code,
    redirect_uri: app.redirectUri,
    code_verifier: verifier!,
  })
  expect(res.status).toBe(200)
  return (await res.json()) as { access_token: string; refresh_token?: string; expires_in: number }
}

const verify = (jwt: string, audience = API) =>
  jwtVerify(jwt, createLocalJWKSet(jwks), {
    typ: 'at+jwt',
    issuer: env.server.config.issuer,
    audience,
    currentDate: new Date(clock.now() * 1000),
  })

describe('RFC 9068 §2: the JWT access token', () => {
  test('§2.1: header typ at+jwt, alg RS256, a kid published in the JWKS; jose verifies it offline', async () => {
    const { access_token } = await userJwt()
    const header = decodeProtectedHeader(access_token)
    expect(header).toMatchObject({ typ: 'at+jwt', alg: 'RS256' })
    expect(jwks.keys.map((k) => k.kid)).toContain(header.kid!)
    const { protectedHeader } = await verify(access_token)
    expect(protectedHeader.typ).toBe('at+jwt')
  })

  test('§2.2: iss, exp, aud, sub, client_id, iat, jti, scope and auth_time; a short default lifetime', async () => {
    const { access_token, expires_in } = await userJwt()
    const { payload } = await verify(access_token)
    expect(payload).toMatchObject({
      iss: env.server.config.issuer,
      aud: API,
      sub: env.f.alice.id,
      client_id: app.clientId,
      scope: 'api:read',
      iat: clock.now(),
    })
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/)
    expect(payload.auth_time).toBeNumber()
    // issue 18: 300 s unless the resource sets its own lifetime
    expect(payload.exp! - payload.iat!).toBe(300)
    expect(expires_in).toBe(300)
  })

  test('§2.2: client credentials: sub is the client; a resource’s own lifetime is honoured', async () => {
    const res = await token({ grant_type: 'client_credentials', scope: 'api:read', resource: SHORT })
    const body = (await res.json()) as { access_token: string; expires_in: number }
    const { payload } = await verify(body.access_token, SHORT)
    expect(payload).toMatchObject({ sub: app.clientId, client_id: app.clientId, aud: SHORT })
    expect(payload.auth_time).toBeUndefined()
    expect(body.expires_in).toBe(60)
  })

  test('§4: a verifier expecting another audience, or a plain JWT type, refuses it', async () => {
    const { access_token } = await userJwt()
    await expect(verify(access_token, 'https://other.example/')).rejects.toThrow()
    await expect(
      jwtVerify(access_token, createLocalJWKSet(jwks), { typ: 'JWT', currentDate: new Date(clock.now() * 1000) }),
    ).rejects.toThrow()
  })

  test('§2 with RFC 6749 §6: refreshing gives a new JWT with a new jti for the same resource', async () => {
    const first = await userJwt()
    const res = await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token! })
    expect(res.status).toBe(200)
    const next = (await res.json()) as { access_token: string }
    const [a, b] = [await verify(first.access_token), await verify(next.access_token)]
    expect(b.payload.jti).not.toBe(a.payload.jti)
    expect(b.payload.aud).toBe(API)
  })
})

describe('RFC 9068 §5 with RFC 7662 and RFC 7009: the jti is a stored token', () => {
  test('RFC 7662 §2.2: introspecting the JWT says active with aud; RFC 7009: once revoked, active:false', async () => {
    const { access_token } = await userJwt()
    expect(await introspect(env, access_token)).toMatchObject({ active: true, aud: API, client_id: app.clientId })
    const revoke = await postForm(env.server.url, '/oauth/revoke', app, { token: access_token })
    expect(revoke.status).toBe(200)
    expect(await introspect(env, access_token)).toEqual({ active: false })
    // README: an offline verifier still accepts it until exp — that is what short lifetimes are for
    expect((await verify(access_token)).payload.aud).toBe(API)
  })

  test('a JWT altered in any byte, or signed elsewhere with a copied jti, is not found (active:false)', async () => {
    const { access_token } = await userJwt()
    const [h, p, s] = access_token.split('.') as [string, string, string]
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString())
    const widened = Buffer.from(JSON.stringify({ ...claims, scope: 'api:read admin' })).toString('base64url')
    expect(await introspect(env, `${h}.${widened}.${s}`)).toEqual({ active: false })
    expect(await introspect(env, `${h}.${p}.${s.slice(0, -2)}AA`)).toEqual({ active: false })
    expect(await introspect(env, 'a.b.c')).toEqual({ active: false })
  })

  test('an expired JWT access token is inactive in introspection (exp, RFC 7662 §2.2)', async () => {
    const res = await token({ grant_type: 'client_credentials', scope: 'api:read', resource: SHORT })
    const { access_token } = (await res.json()) as { access_token: string }
    clock.advance(61)
    expect(await introspect(env, access_token)).toEqual({ active: false })
  })

  test('RFC 9068 §4: Latchkey’s own userinfo refuses the JWT (its audience is the resource)', async () => {
    const res = await token({ grant_type: 'password', username: 'alice', password: PASSWORD, resource: API })
    const { access_token } = (await res.json()) as { access_token: string }
    expect((await userinfo(env, access_token)).status).toBe(401)
  })

  test('opaque stays the default: no resource (or a resource without jwt) gives opaque tokens', async () => {
    const res = await token({ grant_type: 'client_credentials', scope: 'api:read' })
    const { access_token } = (await res.json()) as { access_token: string }
    expect(access_token.startsWith('lkat_')).toBe(true)
  })
})

describe('issue 18 with latchkey export / import: the registry and live JWT access tokens travel', () => {
  test('after an import the resource is registered and a JWT issued before it introspects with its aud', async () => {
    const { access_token } = await userJwt()
    const lines: string[] = []
    for await (const line of env.server.provider.services.transfer.exportLines()) lines.push(line)
    await using moved = await startServer({ clock })
    const counts = await moved.provider.services.transfer.importLines(
      (async function* () {
        yield* lines
      })(),
    )
    expect(counts.resources).toBe(2)
    expect((await moved.provider.services.resources.find(API))?.tokenFormat).toBe('jwt')
    const res = await postForm(moved.url, '/oauth/introspect', app, { token: access_token })
    expect(await res.json()).toMatchObject({ active: true, aud: API })
  }, 30_000)
})
