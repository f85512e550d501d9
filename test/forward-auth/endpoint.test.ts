/**
 * Issue 16, forward auth: the endpoints reverse proxies ask before letting a request through
 * (nginx `auth_request`, Traefik `forwardAuth`, Caddy `forward_auth`), with RFC 6750 §3 challenges.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { machineClient } from '../helpers/faults.ts'
import { postForm } from '../helpers/oauth.ts'
import { setup, tokensFor, type Env } from '../helpers/flows.ts'
import { ask, basic, bearer, challenges, FETCH, personalToken, PUSH, setupForwardAuth } from './support.ts'

let env: Env
let realm: string
beforeAll(async () => {
  env = await setupForwardAuth()
  realm = new URL(env.server.url).host
})
afterAll(async () => {
  await env.server[Symbol.asyncDispose]()
})

describe('issue 16: forward auth answers 200 with who passed', () => {
  test('a bearer personal token with the rule’s scope: 200 and the Remote-* headers', async () => {
    const token = await personalToken(env, env.f.alice.id, ['read_repository', 'read_user'])
    const res = await ask(env, { url: FETCH, headers: bearer(token) })
    expect(res.status).toBe(200)
    expect(res.headers.get('remote-user')).toBe('alice')
    expect(res.headers.get('remote-name')).toBe('Alice Liddell')
    expect(res.headers.get('remote-email')).toBe('alice@example.com')
    expect(res.headers.get('remote-groups')).toBe('')
    expect(res.headers.get('remote-scopes')).toBe('read_repository read_user')
    expect(res.headers.get('cache-control')).toBe('no-store')
  })

  test('seed 002: HTTP Basic with the token as password and any username (git sends oauth2:<token>)', async () => {
    const token = await personalToken(env, env.f.bob.id, ['read_repository'])
    for (const user of ['oauth2', 'bob', 'alice', 'x', '']) {
      const res = await ask(env, { url: FETCH, method: 'POST', headers: basic(user, token) })
      expect(res.status).toBe(200)
      expect(res.headers.get('remote-user')).toBe('bob')
    }
  })

  test('a scope counts with what it implies: write_repository lets a personal token fetch', async () => {
    const token = await personalToken(env, env.f.alice.id, ['write_repository'])
    const res = await ask(env, { url: FETCH, headers: basic('oauth2', token) })
    expect(res.status).toBe(200)
    expect(res.headers.get('remote-scopes')).toBe('write_repository read_repository')
  })

  test('an OAuth access token works as well as a personal one', async () => {
    const { access_token } = await tokensFor(env, env.f.C1)
    const res = await ask(env, { url: 'http://wiki.example.com/page', headers: basic('oauth2', access_token) })
    expect(res.status).toBe(200)
    expect(res.headers.get('remote-scopes')).toBe('openid profile email')
  })

  test('names outside ASCII reach the proxy as UTF-8 bytes; control characters never split a header', async () => {
    const zoe = await env.server.provider.services.users.create({
      username: 'zoe',
      name: 'Zoë Ødegård\r\nX-Evil: 1',
      password: 'correct horse battery staple',
    })
    const res = await ask(env, {
      url: 'http://wiki.example.com/',
      headers: bearer(await personalToken(env, zoe.id, [])),
    })
    expect(res.status).toBe(200)
    const bytes = Buffer.from(res.headers.get('remote-name')!, 'latin1')
    expect(bytes.toString('utf8')).toBe('Zoë ØdegårdX-Evil: 1')
    expect(res.headers.get('x-evil')).toBeNull()
  })

  test('a public rule lets anyone through, with no identity headers', async () => {
    const res = await ask(env, { url: 'http://git.example.com/public/readme.txt' })
    expect(res.status).toBe(200)
    expect(res.headers.get('remote-user')).toBeNull()
  })

  test('the endpoint answers every method the sub-request may use and never reads a body', async () => {
    const token = await personalToken(env, env.f.alice.id, ['read_user'])
    for (const method of ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH']) {
      const res = await fetch(`${env.server.url}/forward-auth/nginx`, {
        method,
        headers: { 'X-Original-URL': 'http://wiki.example.com/', 'X-Original-Method': method, ...bearer(token) },
        ...(method !== 'GET' && method !== 'HEAD' && { body: '%%% not a form \u0000', duplex: 'half' }),
      })
      expect(`${method} ${res.status}`).toBe(`${method} 200`)
    }
  })

  test('Traefik and Caddy send X-Forwarded-Method, -Proto, -Host and -Uri', async () => {
    const token = await personalToken(env, env.f.alice.id, ['read_repository'])
    const res = await fetch(`${env.server.url}/forward-auth`, {
      headers: {
        'X-Forwarded-Method': 'GET',
        'X-Forwarded-Proto': 'http',
        'X-Forwarded-Host': 'git.example.com',
        'X-Forwarded-Uri': '/team/repo.git/info/refs?service=git-upload-pack',
        ...basic('oauth2', token),
      },
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('remote-user')).toBe('alice')
  })
})

describe('issue 16 / RFC 6750 §3: 401 carries a Basic and a Bearer challenge', () => {
  test('no credentials: 401 with a Basic challenge (git answers only that one), Bearer without error', async () => {
    const res = await ask(env, { url: FETCH })
    expect(res.status).toBe(401)
    expect(challenges(res)).toEqual([`Basic realm="${realm}", charset="UTF-8"`, `Bearer realm="${realm}"`])
  })

  test('RFC 6750 §3.1: an unknown token, a refresh token or a password as Basic password: invalid_token', async () => {
    const { refresh_token } = await tokensFor(env, env.f.C1)
    for (const headers of [
      bearer(`lkat_${'A'.repeat(43)}`),
      bearer(refresh_token!),
      basic('alice', 'correct horse battery staple'),
      basic('oauth2', ''),
      { Authorization: 'Negotiate abc' },
    ]) {
      const res = await ask(env, { url: FETCH, headers })
      expect(res.status).toBe(401)
      expect(challenges(res)).toEqual([
        `Basic realm="${realm}", charset="UTF-8"`,
        `Bearer realm="${realm}", error="invalid_token"`,
      ])
    }
  })

  test('RFC 6819 §4.4.1.11: many bad tokens from one client get 429 from /forward-auth, 401 from nginx’s', async () => {
    await using fresh = await setupForwardAuth().then((e) => e.server)
    const other = { ...env, server: fresh }
    const from = { 'X-Forwarded-For': '198.51.100.9' }
    for (let i = 0; i < 200; i++)
      await ask(other, { url: 'http://wiki.example.com/', headers: { ...from, ...bearer(`x${i}`) } })
    const limited = await ask(other, {
      path: '/forward-auth',
      url: 'http://wiki.example.com/',
      headers: { ...from, ...bearer('y') },
    })
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    const nginx = await ask(other, { url: 'http://wiki.example.com/', headers: { ...from, ...bearer('y') } })
    expect(nginx.status).toBe(401)
  })

  test('a revoked token is refused at once (no cache of positive answers)', async () => {
    const { access_token } = await tokensFor(env, env.f.C1)
    const headers = basic('oauth2', access_token)
    expect((await ask(env, { url: 'http://wiki.example.com/', headers })).status).toBe(200)
    await postForm(env.server.url, '/oauth/revoke', env.f.C1, { token: access_token })
    expect((await ask(env, { url: 'http://wiki.example.com/', headers })).status).toBe(401)
  })
})

describe('issue 16: 403 for who may not pass', () => {
  test('RFC 6750 §3.1: a token without the rule’s scope gets insufficient_scope naming it', async () => {
    const token = await personalToken(env, env.f.alice.id, ['read_user'])
    const res = await ask(env, { url: FETCH, headers: basic('oauth2', token) })
    expect(res.status).toBe(403)
    expect(res.headers.get('www-authenticate')).toBe(
      `Bearer realm="${realm}", error="insufficient_scope", scope="read_repository"`,
    )
    expect(await res.json()).toMatchObject({ error: 'insufficient_scope' })
  })

  test('a user outside every group the rule names is refused, whatever the token holds', async () => {
    const token = await personalToken(env, env.f.alice.id, ['write_repository'])
    const res = await ask(env, { url: PUSH, headers: basic('oauth2', token) })
    expect(res.status).toBe(403)
    expect(res.headers.get('www-authenticate')).toBeNull()
    expect(await res.json()).toMatchObject({ error: 'access_denied' })
  })

  test('deny by default: a host, path or method no rule names is refused, even for a valid token', async () => {
    const token = await personalToken(env, env.f.alice.id, ['read_repository', 'write_repository'])
    for (const [url, method] of [
      ['http://unknown.example.com/', 'GET'],
      ['http://git.example.com/elsewhere', 'GET'],
      ['http://example.com/', 'GET'],
      ['http://x.apps.example.com/', 'POST'],
      [FETCH, 'DELETE'],
    ] as const) {
      const res = await ask(env, { url, method, headers: bearer(token) })
      expect(`${method} ${url} ${res.status}`).toBe(`${method} ${url} 403`)
    }
    expect((await ask(env, { url: 'http://a.b.apps.example.com/', headers: bearer(token) })).status).toBe(200)
  })

  test('dot segments are resolved before matching: /public/../ is not the public path', async () => {
    for (const url of ['http://git.example.com/public/../secret', 'http://git.example.com/public/%2e%2e/secret']) {
      const res = await ask(env, { url })
      expect(`${url} ${res.status}`).toBe(`${url} 403`)
    }
  })

  test('a token that acts for no user (client credentials) is refused', async () => {
    const bot = await machineClient(env.server.provider.services)
    const res = await postForm(env.server.url, '/oauth/token', bot, { grant_type: 'client_credentials' })
    const { access_token } = (await res.json()) as { access_token: string }
    expect((await ask(env, { url: 'http://wiki.example.com/', headers: bearer(access_token) })).status).toBe(403)
  })
})

describe('issue 16: rules that name groups', () => {
  test('a member of the rule’s group with write_repository pushes; Remote-Groups lists every group', async () => {
    const groups = env.server.provider.services.groups
    await groups.create({ name: 'team', description: 'Pushers' })
    await groups.create({ name: 'admins', description: 'Wiki admins' })
    await groups.addMember({ name: 'team' }, { username: 'bob' })
    await groups.addMember({ name: 'admins' }, { username: 'bob' })
    const token = await personalToken(env, env.f.bob.id, ['write_repository'])
    const push = await ask(env, { url: PUSH, headers: basic('oauth2', token) })
    expect(push.status).toBe(200)
    expect(push.headers.get('remote-groups')).toBe('admins,team')
    const post = await ask(env, {
      url: 'http://git.example.com/team/repo.git/git-receive-pack',
      method: 'POST',
      headers: basic('oauth2', token),
    })
    expect(post.status).toBe(200)
    expect((await ask(env, { url: 'http://wiki.example.com/admin/users', headers: bearer(token) })).status).toBe(200)
    const alice = await personalToken(env, env.f.alice.id, ['write_repository'])
    expect((await ask(env, { url: 'http://wiki.example.com/admin', headers: bearer(alice) })).status).toBe(403)
  })

  test('leaving the group refuses the next push at once', async () => {
    const groups = env.server.provider.services.groups
    const token = await personalToken(env, env.f.bob.id, ['write_repository'])
    expect((await ask(env, { url: PUSH, headers: basic('oauth2', token) })).status).toBe(200)
    await groups.removeMember({ name: 'team' }, { username: 'bob' })
    const res = await ask(env, { url: PUSH, headers: basic('oauth2', token) })
    expect(res.status).toBe(403)
    expect(await res.json()).toMatchObject({ error: 'access_denied' })
    await groups.addMember({ name: 'team' }, { username: 'bob' })
  })
})

describe('issue 16: forwarded headers are believed only from trusted proxies', () => {
  test('a peer not in --trusted-proxies is refused 403 with the reason, even with a valid token', async () => {
    const token = await personalToken(env, env.f.alice.id, ['read_repository'])
    const res = await ask(env, {
      url: FETCH,
      peer: '203.0.113.7',
      headers: { ...bearer(token), 'X-Forwarded-For': '127.0.0.1' },
    })
    expect(res.status).toBe(403)
    expect((await res.json()) as object).toMatchObject({
      error: 'access_denied',
      error_description: expect.stringContaining('203.0.113.7 is not one'),
    })
    const line = env.server.logs.map((l) => JSON.parse(l)).findLast((l) => l.route === '/forward-auth/nginx')
    expect(line).toMatchObject({ status: 403, error: 'access_denied' })
  })

  test('a trusted proxy that does not say which request it asks about is refused', async () => {
    const token = await personalToken(env, env.f.alice.id, ['read_user'])
    const asks: Array<Record<string, string>> = [
      { 'X-Original-URL': 'http://wiki.example.com/' },
      { 'X-Original-Method': 'GET' },
      { 'X-Original-URL': 'not a url', 'X-Original-Method': 'GET' },
      { 'X-Original-URL': 'ftp://wiki.example.com/', 'X-Original-Method': 'GET' },
      { 'X-Forwarded-Method': 'GET', 'X-Forwarded-Host': 'wiki.example.com', 'X-Forwarded-Uri': '/' },
      { 'X-Forwarded-Method': 'GET', 'X-Forwarded-Proto': 'http', 'X-Forwarded-Host': 'a b', 'X-Forwarded-Uri': '/' },
      {
        'X-Forwarded-Method': 'GET',
        'X-Forwarded-Proto': 'http',
        'X-Forwarded-Host': 'wiki.example.com',
        'X-Forwarded-Uri': '@evil.example/',
      },
    ]
    for (const headers of asks) {
      const res = await fetch(`${env.server.url}/forward-auth`, { headers: { ...headers, ...bearer(token) } })
      expect(res.status).toBe(403)
    }
  })
})

describe('issue 16: nginx’s X-Original-URL names the request even beside X-Forwarded-Host', () => {
  test('the host and path of X-Original-URL decide', async () => {
    const res = await ask(env, {
      url: 'http://git.example.com/public/x',
      headers: { 'X-Forwarded-Proto': 'http', 'X-Forwarded-Host': 'wiki.example.com', 'X-Forwarded-Uri': '/' },
    })
    expect(res.status).toBe(200)
    const refused = await ask(env, {
      url: 'http://wiki.example.com/',
      headers: { 'X-Forwarded-Proto': 'http', 'X-Forwarded-Host': 'git.example.com', 'X-Forwarded-Uri': '/public/x' },
    })
    expect(refused.status).toBe(401)
  })
})

describe('issue 16: without --forward-auth-rules the feature is off', () => {
  test('all three endpoints answer 404', async () => {
    await using off = await setup({ config: { trustedProxies: '127.0.0.1' } }).then((e) => e.server)
    for (const path of ['/forward-auth', '/forward-auth/nginx', '/forward-auth/return?url=http://a.example.com/']) {
      const res = await fetch(off.url + path, {
        headers: { 'X-Original-URL': 'http://wiki.example.com/', 'X-Original-Method': 'GET' },
      })
      expect(`${path} ${res.status}`).toBe(`${path} 404`)
    }
  })
})
