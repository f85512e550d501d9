/**
 * RFC 9068 against the compiled binary (issue 18): the operator registers a resource with JWT access
 * tokens through the CLI; a client-credentials token for it verifies with jose's jwtVerify against the
 * JWKS the server publishes (typ at+jwt enforced); revoking it (RFC 7009) shows in introspection.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createRemoteJWKSet, jwtVerify } from 'jose'
import { startBinary, type RunningBinary } from '../helpers/binary.ts'
import { basic } from '../helpers/oauth.ts'

const API = 'https://api.example/v1'

let lk: RunningBinary
let bot: { client_id: string; client_secret: string }

beforeAll(async () => {
  lk = await startBinary()
  expect((await lk.run(['scope', 'create', '--name', 'api:read', '--description', 'read the API'])).code).toBe(0)
  const resource = await lk.run([
    'resource',
    'create',
    '--name',
    'api',
    '--uri',
    API,
    '--scopes',
    'api:read',
    '--token-format',
    'jwt',
    '--json',
  ])
  expect(resource.code).toBe(0)
  expect(resource.json()).toMatchObject({ name: 'api', uri: API, token_format: 'jwt' })
  bot = (
    await lk.run([
      'app',
      'create',
      '--name',
      'API bot',
      '--grant-types',
      'client_credentials',
      '--scopes',
      'api:read',
      '--json',
    ])
  ).json()
}, 120_000)
afterAll(async () => {
  await lk?.[Symbol.asyncDispose]()
})

const post = (path: string, fields: Record<string, string>) =>
  fetch(lk.url + path, {
    method: 'POST',
    headers: {
      Authorization: basic(bot.client_id, bot.client_secret),
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams(fields),
  })

describe('RFC 9068 with the compiled binary', () => {
  test('§2.1, §4: jose verifies it with the served JWKS (typ at+jwt, iss, aud); RFC 7009 → inactive', async () => {
    const discovery = (await (await fetch(`${lk.url}/.well-known/openid-configuration`)).json()) as {
      jwks_uri: string
      issuer: string
    }
    const res = await post('/oauth/token', { grant_type: 'client_credentials', scope: 'api:read', resource: API })
    expect(res.status).toBe(200)
    const { access_token } = (await res.json()) as { access_token: string }
    const { payload, protectedHeader } = await jwtVerify(
      access_token,
      createRemoteJWKSet(new URL(discovery.jwks_uri)),
      {
        typ: 'at+jwt',
        issuer: discovery.issuer,
        audience: API,
        algorithms: ['RS256'],
        requiredClaims: ['exp', 'iat', 'jti', 'sub', 'client_id'],
      },
    )
    expect(protectedHeader.typ).toBe('at+jwt')
    expect(payload).toMatchObject({ client_id: bot.client_id, sub: bot.client_id, scope: 'api:read' })
    const before = (await (await post('/oauth/introspect', { token: access_token })).json()) as Record<string, unknown>
    expect(before).toMatchObject({ active: true, aud: API, client_id: bot.client_id })
    expect((await post('/oauth/revoke', { token: access_token })).status).toBe(200)
    expect(await (await post('/oauth/introspect', { token: access_token })).json()).toEqual({ active: false })
  }, 30_000)

  test('latchkey resource list and show print the registry', async () => {
    const list = await lk.run(['resource', 'list', '--json'])
    expect(list.json()).toEqual([expect.objectContaining({ name: 'api', uri: API, scopes: ['api:read'] })])
    const show = await lk.run(['resource', 'show', API])
    expect(show.stdout).toContain('token format  jwt')
  }, 60_000)
})
