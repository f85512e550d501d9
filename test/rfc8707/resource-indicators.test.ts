/**
 * RFC 8707 resource indicators (issue 18): the `resource` parameter on the authorization, device
 * authorization and token requests, validated against the operator's registry; one audience per access
 * token, chosen at the token request; refresh narrows, never widens; every refusal with its code.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { DEVICE_CODE_GRANT } from '../../src/services/applications/applications.ts'
import { Browser, formFields } from '../helpers/browser.ts'
import { type Client, PASSWORD } from '../helpers/fixtures.ts'
import { exchange, getCode, introspect, rawAuthorize, refresh, setup, userinfo, type Env } from '../helpers/flows.ts'
import { pkcePair, postForm } from '../helpers/oauth.ts'
import { testClock } from '../helpers/server.ts'
import { gql } from '../graphql/support.ts'

const MCP = 'https://mcp.example/mcp'
const FILES = 'https://files.example/'
const SPARE = 'https://spare.example/api'

const clock = testClock()
let env: Env
let app: Client
let bot: Client
let device: Client

beforeAll(async () => {
  env = await setup({ clock, config: { passwordGrant: true } })
  const s = env.server.provider.services
  for (const name of ['mcp:read', 'mcp:write', 'files:read'])
    await s.scopes.create({ name, description: `may ${name}` })
  await s.resources.create({ name: 'mcp', uri: MCP, scopes: ['mcp:read', 'mcp:write', 'read_user'] })
  await s.resources.create({ name: 'files', uri: 'https://files.example', scopes: ['files:read'], tokenFormat: 'jwt' })
  await s.resources.create({ name: 'spare', uri: SPARE, scopes: ['mcp:read'] })
  const scopes = ['openid', 'profile', 'offline_access', 'read_user', 'mcp:read', 'mcp:write', 'files:read']
  const a = await s.applications.create({
    name: 'Agent',
    redirectUris: ['https://agent.example/cb'],
    scopes,
    grantTypes: ['authorization_code', 'refresh_token', 'client_credentials', 'password'],
  })
  app = { clientId: a.application.clientId, secret: a.clientSecret, redirectUri: 'https://agent.example/cb' }
  const b = await s.applications.create({
    name: 'Bot',
    redirectUris: [],
    scopes: ['mcp:read', 'files:read'],
    grantTypes: ['client_credentials'],
  })
  bot = { clientId: b.application.clientId, secret: b.clientSecret, redirectUri: '' }
  const d = await s.applications.create({
    name: 'Device',
    isPublic: true,
    grantTypes: [DEVICE_CODE_GRANT, 'refresh_token'],
    scopes: ['mcp:read', 'files:read'],
  })
  device = { clientId: d.application.clientId, secret: null, redirectUri: '' }
}, 30_000)
afterAll(() => env.server[Symbol.asyncDispose]())

const token = (client: Client, fields: Record<string, string>) =>
  postForm(env.server.url, '/oauth/token', client, fields)

/** A token request whose body repeats `resource` (RFC 8707 §2 allows it; RFC 6749 §3.2 forbids it for others). */
function tokenWithResources(client: Client, fields: Record<string, string>, resources: string[]): Promise<Response> {
  const body = new URLSearchParams(fields)
  for (const r of resources) body.append('resource', r)
  return fetch(`${env.server.url}/oauth/token`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Authorization: `Basic ${btoa(`${client.clientId}:${client.secret}`)}`,
    },
    body,
  })
}

/** A code authorized for `resources` (sent as repeated parameters) and `scope`. */
async function codeFor(resources: string[], scope: string) {
  const pair = pkcePair()
  const query = [
    ['response_type', 'code'],
    ['client_id', app.clientId],
    ['redirect_uri', app.redirectUri],
    ['scope', scope],
    ['state', 'st'],
    ['code_challenge', pair.challenge],
    ['code_challenge_method', 'S256'],
    ...resources.map((r) => ['resource', r]),
  ]
  const redirect = await env.browser.authorize(query as never)
  const code = redirect.searchParams.get('code')
  if (!code) throw new Error(`no code in ${redirect}`)
  return { code, verifier: pair.verifier }
}

const redeem = (c: { code: string; verifier: string }, resource?: string | string[]) =>
  tokenWithResources(
    app,
    { grant_type: 'authorization_code', code: c.code, redirect_uri: app.redirectUri, code_verifier: c.verifier },
    resource === undefined ? [] : Array.isArray(resource) ? resource : [resource],
  )

async function expectError(res: Response, error: string, status = 400) {
  const body = (await res.json()) as { error: string; error_description: string }
  expect({ status: res.status, error: body.error }).toEqual({ status, error })
  return body
}

describe('RFC 8707 §2: the resource parameter at the authorization endpoint', () => {
  const authorize = (resource: string, scope = 'mcp:read') =>
    rawAuthorize(
      env,
      {
        response_type: 'code',
        client_id: app.clientId,
        redirect_uri: app.redirectUri,
        scope,
        state: 'st',
        resource,
        ...(() => {
          const p = pkcePair()
          return { code_challenge: p.challenge, code_challenge_method: 'S256' }
        })(),
      },
      { browser: env.browser },
    )
  const redirectError = (res: Response) => {
    const to = new URL(res.headers.get('location')!)
    return { origin: to.origin, error: to.searchParams.get('error'), state: to.searchParams.get('state') }
  }

  test('§2: an unknown resource → redirect with error=invalid_target and the state', async () => {
    await env.browser.login()
    const res = await authorize('https://unknown.example/api')
    expect(res.status).toBe(302)
    expect(redirectError(res)).toEqual({ origin: 'https://agent.example', error: 'invalid_target', state: 'st' })
  })

  test('§2: a relative or otherwise malformed resource URI → invalid_target', async () => {
    for (const bad of ['/mcp', 'mcp.example/mcp', 'https://', 'not a uri'])
      expect(redirectError(await authorize(bad)).error).toBe('invalid_target')
  })

  test('§2: a resource with a fragment ("MUST NOT include a fragment") → invalid_target', async () => {
    expect(redirectError(await authorize(`${MCP}#frag`)).error).toBe('invalid_target')
  })

  test('§2 (issue 18): a scope the resource does not accept → invalid_scope, not dropped', async () => {
    expect(redirectError(await authorize(MCP, 'mcp:read files:read')).error).toBe('invalid_scope')
    // identity scopes (openid, profile, offline_access) may go beside any resource
    const fine = await authorize(MCP, 'openid mcp:read')
    expect(fine.headers.get('location') ?? '').not.toContain('error=')
  })
})

describe('RFC 8707 §2.2: the token request picks one of the authorized resources', () => {
  test('§2.1, §2.2: two resources at /authorize; the token names one and is restricted to it (aud)', async () => {
    const c = await codeFor([MCP, FILES], 'openid mcp:read files:read')
    const res = await redeem(c, MCP)
    expect(res.status).toBe(200)
    const body = (await res.json()) as { access_token: string; scope: string; id_token?: string }
    // the access token carries only what the resource accepts; the ID token still comes (openid was granted)
    expect(body.scope).toBe('mcp:read')
    expect(body.id_token).toBeString()
    const seen = await introspect(env, body.access_token)
    expect(seen).toMatchObject({ active: true, aud: MCP, scope: 'mcp:read', client_id: app.clientId })
  })

  test('§2 (issue 18): a grant of several resources, a token request naming none → invalid_target', async () => {
    const c = await codeFor([MCP, FILES], 'mcp:read files:read')
    await expectError(await redeem(c), 'invalid_target')
  })

  test('§2: a grant with one resource: the token request may leave it out and gets that audience', async () => {
    const c = await codeFor([MCP], 'mcp:read')
    const body = (await (await redeem(c)).json()) as { access_token: string }
    expect((await introspect(env, body.access_token)).aud).toBe(MCP)
  })

  test('§2.2: a resource registered but not authorized for this code (wider) → invalid_target', async () => {
    const c = await codeFor([MCP], 'mcp:read')
    await expectError(await redeem(c, SPARE), 'invalid_target')
  })

  test('§2 (issue 18): one audience per token: two resources at the token endpoint → invalid_target', async () => {
    const c = await codeFor([MCP, FILES], 'mcp:read files:read')
    await expectError(await redeem(c, [MCP, FILES]), 'invalid_target')
  })

  test('§2: unknown, malformed and fragment resources at the token endpoint → 400 invalid_target', async () => {
    for (const bad of ['https://unknown.example/', 'relative/path', `${MCP}#x`]) {
      const c = await codeFor([MCP], 'mcp:read')
      await expectError(await redeem(c, bad), 'invalid_target')
    }
  })

  test('§2: a code without resources and a token request naming one → invalid_target (never widened)', async () => {
    const c = await codeFor([], 'openid read_user')
    await expectError(await redeem(c, MCP), 'invalid_target')
    // without resources, tokens are Latchkey's own as before: aud is the client
    const plain = await codeFor([], 'openid read_user')
    const body = (await (await redeem(plain)).json()) as { access_token: string }
    expect((await introspect(env, body.access_token)).aud).toBe(app.clientId)
  })

  test('handler/params.ts: only resource may repeat; any other repeated parameter is still refused', async () => {
    const body = 'grant_type=client_credentials&scope=mcp:read&scope=mcp:read'
    const res = await fetch(`${env.server.url}/oauth/token`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Authorization: `Basic ${btoa(`${bot.clientId}:${bot.secret}`)}`,
      },
      body,
    })
    await expectError(res, 'invalid_request')
  })
})

describe('RFC 8707 §2.2: refresh may narrow to any authorized resource, never widen', () => {
  test('§2.2: refresh picks another of the grant’s resources; the new refresh token keeps them all', async () => {
    const c = await codeFor([MCP, FILES], 'offline_access mcp:read files:read')
    const first = (await (await redeem(c, MCP)).json()) as { refresh_token: string }
    const toFiles = await tokenWithResources(app, { grant_type: 'refresh_token', refresh_token: first.refresh_token }, [
      FILES,
    ])
    expect(toFiles.status).toBe(200)
    const files = (await toFiles.json()) as { access_token: string; refresh_token: string; scope: string }
    expect(files.scope).toBe('files:read')
    expect((await introspect(env, files.access_token)).aud).toBe(FILES)
    const back = await refresh(env, app, files.refresh_token, { resource: MCP })
    expect(back.status).toBe(200)
    expect((await introspect(env, ((await back.json()) as { access_token: string }).access_token)).aud).toBe(MCP)
  })

  test('§2.2: refresh naming a resource outside the grant → invalid_target; the token stays usable', async () => {
    const c = await codeFor([MCP], 'offline_access mcp:read')
    const first = (await (await redeem(c)).json()) as { refresh_token: string }
    await expectError(await refresh(env, app, first.refresh_token, { resource: SPARE }), 'invalid_target')
    await expectError(
      await refresh(env, app, first.refresh_token, { resource: 'https://nope.example/' }),
      'invalid_target',
    )
    expect((await refresh(env, app, first.refresh_token)).status).toBe(200)
  })

  test('§2.2: a grant without resources cannot be widened to one at refresh → invalid_target', async () => {
    const c = await codeFor([], 'offline_access read_user')
    const first = (await (await redeem(c)).json()) as { refresh_token: string }
    await expectError(await refresh(env, app, first.refresh_token, { resource: MCP }), 'invalid_target')
  })

  test('§2 (issue 18): refresh with a scope the chosen resource does not accept → invalid_scope', async () => {
    const c = await codeFor([MCP, FILES], 'offline_access mcp:read files:read')
    const first = (await (await redeem(c, MCP)).json()) as { refresh_token: string }
    const res = await refresh(env, app, first.refresh_token, { resource: FILES, scope: 'mcp:read' })
    await expectError(res, 'invalid_scope')
  })
})

describe('RFC 8707 §2 on the grants without a code: client credentials, password, device', () => {
  test('§2: client credentials with a resource → a token for it; scope not accepted → invalid_scope', async () => {
    const res = await token(bot, { grant_type: 'client_credentials', scope: 'mcp:read', resource: MCP })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { access_token: string; scope: string }
    expect(await introspect(env, body.access_token)).toMatchObject({ active: true, aud: MCP, sub: bot.clientId })
    await expectError(
      await token(bot, { grant_type: 'client_credentials', scope: 'files:read', resource: MCP }),
      'invalid_scope',
    )
    await expectError(
      await token(bot, { grant_type: 'client_credentials', resource: 'https://unknown.example/' }),
      'invalid_target',
    )
  })

  test('§2: password grant with a resource → its token; unknown → invalid_target before sign-in', async () => {
    const ok = await token(app, { grant_type: 'password', username: 'alice', password: PASSWORD, resource: MCP })
    expect(ok.status).toBe(200)
    const body = (await ok.json()) as { access_token: string }
    expect((await introspect(env, body.access_token)).aud).toBe(MCP)
    await expectError(
      await token(app, { grant_type: 'password', username: 'alice', password: 'wrong', resource: 'x:/#f' }),
      'invalid_target',
    )
  })

  test('§2 with RFC 8628: the device authorization names the resources; the token request narrows', async () => {
    await expectError(
      await postForm(env.server.url, '/oauth/authorize_device', device, { resource: 'https://unknown.example/' }),
      'invalid_target',
    )
    const start = await postForm(env.server.url, '/oauth/authorize_device', device, {
      scope: 'mcp:read files:read',
      resource: `${MCP} ${FILES}`,
    })
    expect(start.status).toBe(200)
    const { device_code, user_code } = (await start.json()) as { device_code: string; user_code: string }
    const browser = new Browser(env.server.url)
    await browser.login()
    const entry = await (await browser.get('/oauth/device')).text()
    const confirm = await (await browser.post('/oauth/device', { ...formFields(entry), user_code })).text()
    await browser.post('/oauth/device/decision', { ...formFields(confirm), decision: 'approve' })
    const poll = (resource?: string) =>
      postForm(env.server.url, '/oauth/token', device, {
        grant_type: DEVICE_CODE_GRANT,
        device_code,
        ...(resource ? { resource } : {}),
      })
    await expectError(await poll(SPARE), 'invalid_target')
    clock.advance(10) // RFC 8628 §3.5: the refused poll counted; wait the interval
    const res = await poll(FILES)
    expect(res.status).toBe(200)
    const body = (await res.json()) as { access_token: string; scope: string }
    expect(body.scope).toBe('files:read')
    expect((await introspect(env, body.access_token)).aud).toBe(FILES)
  })
})

describe('RFC 8707 §3, RFC 9068 §4: a resource’s token is not accepted by Latchkey’s own APIs', () => {
  test('userinfo and GraphQL refuse a token whose audience is a registered resource (401 invalid_token)', async () => {
    const c = await codeFor([MCP], 'openid read_user')
    const body = (await (await redeem(c)).json()) as { access_token: string; scope: string }
    expect(body.scope).toBe('read_user')
    const info = await userinfo(env, body.access_token)
    expect(info.status).toBe(401)
    expect(info.headers.get('www-authenticate')).toContain('invalid_token')
    const api = await gql(env.server, body.access_token, '{ viewer { username } }')
    expect(api.status).toBe(401)
    // the same scope without a resource is Latchkey's own token, accepted
    const plain = await codeFor([], 'openid read_user')
    const own = (await (await redeem(plain)).json()) as { access_token: string }
    expect((await userinfo(env, own.access_token)).status).toBe(200)
  })

  test('issue 18: deleting a resource revokes its access tokens; its codes then get invalid_target', async () => {
    const s = env.server.provider.services
    await s.resources.create({ name: 'gone', uri: 'https://gone.example/', scopes: ['mcp:read'] })
    const live = (await (
      await token(bot, { grant_type: 'client_credentials', scope: 'mcp:read', resource: 'https://gone.example/' })
    ).json()) as { access_token: string }
    const c = await codeFor(['https://gone.example/'], 'mcp:read')
    await s.resources.delete('gone')
    expect((await introspect(env, live.access_token)).active).toBe(false)
    await expectError(await redeem(c), 'invalid_target')
  })
})

describe('issue 18: the registry refuses what RFC 8707 §2 forbids', () => {
  test('§2: a fragment, a relative URI or a query is refused, naming the field uri; duplicates conflict', async () => {
    const s = env.server.provider.services
    for (const uri of ['https://x.example/#f', '/relative', 'https://x.example/?q=1', 'ftp://x.example/'])
      await expect(s.resources.create({ name: 'x', uri })).rejects.toMatchObject({ kind: 'invalid', field: 'uri' })
    await expect(s.resources.create({ name: 'x', uri: `${MCP}` })).rejects.toMatchObject({ kind: 'conflict' })
    await expect(s.resources.create({ name: 'x', uri: 'https://x.example/', scopes: ['nope'] })).rejects.toMatchObject({
      kind: 'invalid',
      field: 'scopes',
    })
  })

  test('getCode helper still works with the registry present (no resource: no change)', async () => {
    const c = await getCode(env, app, { scope: 'openid' })
    expect((await exchange(env, app, c.code, c.verifier)).status).toBe(200)
  })
})
