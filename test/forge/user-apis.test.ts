/**
 * Issue 16: the forges' own user APIs. Applications with "log in with GitLab/Gitea" built in call
 * GitLab's `GET /api/v4/user` (seed 002: "GET https://gitlab.example.com/api/v4/user?access_token=
 * OAUTH-TOKEN", or the Authorization header) or Gitea's `GET /api/v1/user` (seeds 003/004: "use the
 * access_token to make API requests") after OAuth. Latchkey answers both for its tokens, in each
 * forge's shape, with each forge's refusals.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Clock } from '../../src/clock.ts'
import { postForm } from '../helpers/oauth.ts'
import { setup, tokensFor, type Env } from '../helpers/flows.ts'

const GITLAB = '/api/v4/user'
const GITEA = '/api/v1/user'

let now = Math.floor(Date.now() / 1000)
const clock: Clock = { now: () => now }
let env: Env
/** alice's OAuth access token from C1 with read_user, and one with identity scopes only. */
let oauthToken: string
let identityOnly: string
let personal: string

beforeAll(async () => {
  env = await setup({ clock })
  oauthToken = (await tokensFor(env, env.f.C1, { scope: 'openid read_user' })).access_token
  identityOnly = (await tokensFor(env, env.f.C1, { scope: 'openid profile email' })).access_token
  personal = await personalToken(['read_user'])
})
afterAll(() => env.server[Symbol.asyncDispose]())

async function personalToken(scopes: string[], expiresIn: number | null = null): Promise<string> {
  return (await env.server.provider.services.tokens.issuePersonal(env.f.alice.id, scopes, expiresIn)).token
}
const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
  fetch(env.server.url + path, { method, headers })
const giteaUrl = () => `${env.server.config.issuer}/api/swagger`

describe('issue 16: GitLab GET /api/v4/user (seed 002)', () => {
  test("answers GitLab's current-user shape, id a JSON integer (the user's number)", async () => {
    const res = await get(GITLAB, { Authorization: `Bearer ${oauthToken}` })
    expect(res.status).toBe(200)
    const body = (await res.json()) as Record<string, unknown>
    expect(body).toMatchObject({
      id: env.f.alice.number,
      username: 'alice',
      name: 'Alice Liddell',
      state: 'active',
      locked: false,
      avatar_url: null,
      web_url: `${env.server.config.issuer}/account/applications`,
      email: 'alice@example.com',
      public_email: null,
      is_admin: false,
      bot: false,
    })
    expect(Number.isInteger(body.id)).toBe(true)
    expect(body.created_at).toBe(new Date(env.f.alice.createdAt * 1000).toISOString())
  })

  test.each([
    ['Authorization: Bearer (seed 002)', () => ({ path: GITLAB, headers: { Authorization: `Bearer ${oauthToken}` } })],
    ['?access_token= (seed 002)', () => ({ path: `${GITLAB}?access_token=${oauthToken}`, headers: {} })],
    ['PRIVATE-TOKEN with a personal token', () => ({ path: GITLAB, headers: { 'PRIVATE-TOKEN': personal } })],
    ['?private_token= with a personal token', () => ({ path: `${GITLAB}?private_token=${personal}`, headers: {} })],
    [
      'Authorization: Bearer with a personal token',
      () => ({ path: GITLAB, headers: { Authorization: `Bearer ${personal}` } }),
    ],
  ])('takes the token by %s', async (_, request) => {
    const { path, headers } = request()
    const res = await get(path, headers)
    expect(res.status).toBe(200)
    expect(((await res.json()) as { username: string }).username).toBe('alice')
  })

  test('PRIVATE-TOKEN takes personal tokens only: an OAuth access token there is 401, as on GitLab', async () => {
    const res = await get(GITLAB, { 'PRIVATE-TOKEN': oauthToken })
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual({ message: '401 Unauthorized' })
  })

  test('no token, an unknown one, or another Authorization scheme: 401 {"message":"401 Unauthorized"}', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { Authorization: 'Bearer lk_at_nope' },
      { Authorization: `Basic ${btoa('a:b')}` },
    ]
    for (const headers of attempts) {
      const res = await get(GITLAB, headers)
      expect(res.status).toBe(401)
      expect(res.headers.get('www-authenticate')).toStartWith('Bearer realm="latchkey"')
      expect(await res.json()).toEqual({ message: '401 Unauthorized' })
    }
  })

  test('a token without read_user (or api, read_api): 403 insufficient_scope, naming the scopes', async () => {
    const res = await get(GITLAB, { Authorization: `Bearer ${identityOnly}` })
    expect(res.status).toBe(403)
    expect(await res.json()).toEqual({
      error: 'insufficient_scope',
      error_description: 'The request requires higher privileges than provided by the access token.',
      scope: 'api read_api read_user',
    })
  })

  test('api implies read_user: a personal token with api alone is answered', async () => {
    const res = await get(GITLAB, { 'PRIVATE-TOKEN': await personalToken(['api']) })
    expect(res.status).toBe(200)
  })

  test('a token sent two ways is 400 (RFC 6750 §2)', async () => {
    const res = await get(`${GITLAB}?access_token=${oauthToken}`, { 'PRIVATE-TOKEN': personal })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { message: string }).message).toStartWith('400 Bad request - ')
  })

  test("HEAD answers as GET without a body; POST is 405 in GitLab's shape with Allow", async () => {
    const head = await get(GITLAB, { Authorization: `Bearer ${oauthToken}` }, 'HEAD')
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
    const post = await get(GITLAB, { Authorization: `Bearer ${oauthToken}` }, 'POST')
    expect(post.status).toBe(405)
    expect(post.headers.get('allow')).toBe('GET, OPTIONS')
    expect(await post.json()).toEqual({ error: '405 Not Allowed' })
  })
})

describe('issue 16: Gitea GET /api/v1/user (seeds 003, 004)', () => {
  test("answers Gitea's User shape, id a JSON integer (the user's number)", async () => {
    const res = await get(GITEA, { Authorization: `token ${oauthToken}` })
    expect(res.status).toBe(200)
    const body = (await res.json()) as Record<string, unknown>
    expect(body).toMatchObject({
      id: env.f.alice.number,
      login: 'alice',
      username: 'alice',
      login_name: '',
      full_name: 'Alice Liddell',
      email: 'alice@example.com',
      avatar_url: '',
      html_url: `${env.server.config.issuer}/account/applications`,
      is_admin: false,
      last_login: '1970-01-01T00:00:00Z',
      restricted: false,
      active: true,
      prohibit_login: false,
    })
    expect(Number.isInteger(body.id)).toBe(true)
    expect(body.created).toBe(new Date(env.f.alice.createdAt * 1000).toISOString().replace('.000Z', 'Z'))
  })

  test.each([
    ['Authorization: token', () => ({ path: GITEA, headers: { Authorization: `token ${oauthToken}` } })],
    ['Authorization: Bearer', () => ({ path: GITEA, headers: { Authorization: `Bearer ${oauthToken}` } })],
    ['?access_token= (markbates/goth)', () => ({ path: `${GITEA}?access_token=${oauthToken}`, headers: {} })],
    ['?token=', () => ({ path: `${GITEA}?token=${oauthToken}`, headers: {} })],
    [
      'Authorization: token with a personal token',
      () => ({ path: GITEA, headers: { Authorization: `token ${personal}` } }),
    ],
  ])('takes the token by %s', async (_, request) => {
    const { path, headers } = request()
    const res = await get(path, headers)
    expect(res.status).toBe(200)
    expect(((await res.json()) as { login: string }).login).toBe('alice')
  })

  test('no token: 401 "token is required"; an unknown one: 401 "invalid username, password or token"', async () => {
    const none = await get(GITEA)
    expect(none.status).toBe(401)
    expect(await none.json()).toEqual({ message: 'token is required', url: giteaUrl() })
    const unknown = await get(GITEA, { Authorization: 'token lk_at_nope' })
    expect(unknown.status).toBe(401)
    expect(await unknown.json()).toEqual({ message: 'invalid username, password or token', url: giteaUrl() })
  })

  test("a token without read:user (or read_user) is refused 403 in Gitea's words", async () => {
    const res = await get(GITEA, { Authorization: `token ${identityOnly}` })
    expect(res.status).toBe(403)
    expect(await res.json()).toEqual({
      message: 'token does not have at least one of required scope(s): [read:user]',
      url: giteaUrl(),
    })
  })

  test("Gitea's own vocabulary: read:user, and write:user that implies it (preset gitea)", async () => {
    await env.server.provider.services.scopes.importPreset('gitea')
    for (const scope of ['read:user', 'write:user']) {
      const res = await get(GITEA, { Authorization: `token ${await personalToken([scope])}` })
      expect(res.status).toBe(200)
    }
    const other = await get(GITEA, { Authorization: `token ${await personalToken(['read:repository'])}` })
    expect(other.status).toBe(403)
  })

  test("POST is 405 in Gitea's shape", async () => {
    const res = await get(GITEA, { Authorization: `token ${oauthToken}` }, 'POST')
    expect(res.status).toBe(405)
    expect(await res.json()).toMatchObject({ url: giteaUrl() })
  })
})

describe("issue 16: markbates/goth's Gitea provider (Gitea's own login library)", () => {
  test('asks for no scope and sends ?access_token=: an application allowed read_user alone is answered', async () => {
    const created = await env.server.provider.services.applications.create({
      name: 'goth',
      redirectUris: ['https://goth.example/cb'],
      scopes: ['read_user'],
    })
    const goth = {
      clientId: created.application.clientId,
      secret: created.clientSecret,
      redirectUri: 'https://goth.example/cb',
    }
    const redirect = await env.browser.authorize(
      { response_type: 'code', client_id: goth.clientId, redirect_uri: goth.redirectUri, state: 'st' },
      { path: '/login/oauth/authorize' },
    )
    const res = await postForm(env.server.url, '/login/oauth/access_token', goth, {
      grant_type: 'authorization_code',
      code: redirect.searchParams.get('code')!,
      redirect_uri: goth.redirectUri,
    })
    const { access_token, scope } = (await res.json()) as { access_token: string; scope: string }
    expect(scope).toBe('read_user')
    const me = await get(`${GITEA}?access_token=${access_token}`)
    expect(me.status).toBe(200)
    expect(await me.json()).toMatchObject({ id: env.f.alice.number, login: 'alice' })
  })
})

describe('issue 16: revoked and expired tokens are refused on both paths', () => {
  test('a token its client revoked (RFC 7009) is 401 at once', async () => {
    const { access_token } = await tokensFor(env, env.f.C1, { scope: 'openid read_user' })
    expect((await get(GITLAB, { Authorization: `Bearer ${access_token}` })).status).toBe(200)
    const revoked = await postForm(env.server.url, '/oauth/revoke', env.f.C1, { token: access_token })
    expect(revoked.status).toBe(200)
    expect((await get(GITLAB, { Authorization: `Bearer ${access_token}` })).status).toBe(401)
    expect((await get(GITEA, { Authorization: `token ${access_token}` })).status).toBe(401)
  })

  test('an expired personal token is 401', async () => {
    const token = await personalToken(['read_user'], 3600)
    expect((await get(GITEA, { Authorization: `token ${token}` })).status).toBe(200)
    now += 3601
    try {
      expect((await get(GITEA, { Authorization: `token ${token}` })).status).toBe(401)
      expect((await get(GITLAB, { 'PRIVATE-TOKEN': token })).status).toBe(401)
    } finally {
      now -= 3601
    }
  })
})
