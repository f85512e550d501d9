/**
 * Issue 16: Git Credential Manager and git-credential-oauth with their defaults, against the applications
 * `app import --preset git-helpers` registers. GCM is not packaged for Debian, so its requests are made
 * here exactly as its OAuth2Client sends them (GCM's src/shared/Core/Authentication/OAuth/OAuth2Client.cs):
 * a loopback redirect with the port filled in and a trailing slash, no scope unless configured,
 * `client_id` and an empty `client_secret=` in the body, the configured (port-less) redirect_uri again
 * on refresh, and, when an operator gave it a secret, the same credentials as HTTP Basic as well.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { DEVICE_CODE_GRANT } from '../../src/services/applications/applications.ts'
import { Browser, formFields } from '../helpers/browser.ts'
import { seed } from '../helpers/fixtures.ts'
import { basic, pkcePair } from '../helpers/oauth.ts'
import { startServer, type TestServer } from '../helpers/server.ts'

const GCM = 'e90ee53c-94e2-48ac-9358-a874fb9e0662'
const GIT_CREDENTIAL_OAUTH = 'a4792ccc-144e-407e-86c9-5e7d8d9c3269'
const GITEA_TOKEN = '/login/oauth/access_token'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
  await seed(server.provider.services)
  await server.provider.services.scopes.importPreset('gitlab', { force: true })
  await server.provider.services.applications.importPreset('git-helpers')
})
afterAll(() => server[Symbol.asyncDispose]())

/** A form POST as GCM sends it: Accept JSON, form body, Basic only when given credentials. */
function gcmPost(path: string, fields: Record<string, string>, authorization?: string): Promise<Response> {
  return fetch(server.url + path, {
    method: 'POST',
    headers: {
      Accept: 'application/json',
      'Content-Type': 'application/x-www-form-urlencoded',
      ...(authorization && { Authorization: authorization }),
    },
    body: new URLSearchParams(fields),
  })
}

/** GCM's authorization step: its redirect URI gets the port it listens on, and System.Uri adds the slash. */
async function gcmCode(port: number, clientId = GCM, scope?: string) {
  const { verifier, challenge } = pkcePair()
  const redirectUri = `http://127.0.0.1:${port}/`
  const back = await new Browser(server.url).authorize(
    {
      response_type: 'code',
      client_id: clientId,
      state: 'gcm-state',
      code_challenge_method: 'S256',
      code_challenge: challenge,
      redirect_uri: redirectUri,
      ...(scope && { scope }),
    },
    { path: '/login/oauth/authorize' },
  )
  expect(back.origin).toBe(`http://127.0.0.1:${port}`)
  return { code: back.searchParams.get('code')!, verifier, redirectUri }
}

async function gcmTokens(clientId = GCM, scope?: string) {
  const { code, verifier, redirectUri } = await gcmCode(49_152 + Math.floor(Math.random() * 1000), clientId, scope)
  const res = await gcmPost(GITEA_TOKEN, {
    grant_type: 'authorization_code',
    code,
    code_verifier: verifier,
    client_id: clientId,
    client_secret: '',
    redirect_uri: redirectUri,
  })
  expect(res.status).toBe(200)
  return (await res.json()) as { access_token: string; refresh_token: string; scope: string }
}

describe('issue 16: the git-helpers preset (RFC 8252 §7.3, RFC 6749 §3.3)', () => {
  test('GCM: loopback redirect on any port with its trailing slash, no scope → the repository scopes', async () => {
    const tokens = await gcmTokens()
    expect(tokens.scope.split(' ').sort()).toEqual(['read_repository', 'write_repository'])
    expect(tokens.refresh_token).toStartWith('lk')
  })

  test('git-credential-oauth: http://127.0.0.1:PORT without a path also matches (RFC 8252 §7.3)', async () => {
    const { verifier, challenge } = pkcePair()
    const back = await new Browser(server.url).authorize(
      {
        response_type: 'code',
        client_id: GIT_CREDENTIAL_OAUTH,
        state: 's',
        code_challenge_method: 'S256',
        code_challenge: challenge,
        redirect_uri: 'http://127.0.0.1:51234',
      },
      { path: '/login/oauth/authorize' },
    )
    expect(back.origin).toBe('http://127.0.0.1:51234')
    expect(verifier).toBeString()
  })

  test('a loopback redirect with another path, or localhost, is still refused (RFC 8252 §8.3)', async () => {
    for (const redirect of ['http://127.0.0.1:5000/evil', 'http://localhost:5000/']) {
      const res = await fetch(
        `${server.url}/login/oauth/authorize?${new URLSearchParams({
          response_type: 'code',
          client_id: GCM,
          redirect_uri: redirect,
          code_challenge: pkcePair().challenge,
          code_challenge_method: 'S256',
        })}`,
        { redirect: 'manual' },
      )
      expect({ redirect, status: res.status }).toEqual({ redirect, status: 400 })
    }
  })

  test('a helper asking for a scope outside the repository scopes gets invalid_scope, never admin or api', async () => {
    const { challenge } = pkcePair()
    const browser = new Browser(server.url)
    await browser.login()
    const res = await browser.get(
      `/login/oauth/authorize?${new URLSearchParams({
        response_type: 'code',
        client_id: GCM,
        redirect_uri: 'http://127.0.0.1:5000/',
        scope: 'api',
        state: 's',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      })}`,
    )
    const to = new URL(res.headers.get('location')!)
    expect(to.searchParams.get('error')).toBe('invalid_scope')
  })

  test('a helper asking for read_repository only gets exactly that (narrower than the default)', async () => {
    const tokens = await gcmTokens(GCM, 'read_repository')
    expect(tokens.scope).toBe('read_repository')
  })

  test('RFC 8628: the device grant is enabled, and a device request without scope gets the default', async () => {
    const start = await gcmPost('/oauth/authorize_device', { client_id: GIT_CREDENTIAL_OAUTH })
    expect(start.status).toBe(200)
    const device = (await start.json()) as { device_code: string; user_code: string }
    const browser = new Browser(server.url)
    await browser.login()
    const entry = await (await browser.get('/oauth/device')).text()
    const confirm = await (
      await browser.post('/oauth/device', { ...formFields(entry), user_code: device.user_code })
    ).text()
    expect((await browser.post('/oauth/device/decision', { ...formFields(confirm), decision: 'approve' })).status).toBe(
      200,
    )
    const res = await gcmPost(GITEA_TOKEN, {
      grant_type: DEVICE_CODE_GRANT,
      device_code: device.device_code,
      client_id: GIT_CREDENTIAL_OAUTH,
    })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { scope: string }
    expect(body.scope.split(' ').sort()).toEqual(['read_repository', 'write_repository'])
  })
})

describe('issue 16: refresh as GCM sends it (RFC 6749 §6, §2.3.1)', () => {
  test('client_id, an empty client_secret= and the port-less redirect_uri → a new pair', async () => {
    const first = await gcmTokens()
    const res = await gcmPost(GITEA_TOKEN, {
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token,
      client_id: GCM,
      client_secret: '',
      redirect_uri: 'http://127.0.0.1/',
    })
    expect(res.status).toBe(200)
    const next = (await res.json()) as { refresh_token: string; scope: string }
    expect(next.refresh_token).not.toBe(first.refresh_token)
    expect(next.scope.split(' ').sort()).toEqual(['read_repository', 'write_repository'])
  })

  test("GCM's parallel git commands: 4 refreshes with one token all succeed (the preset's 10 s grace)", async () => {
    const first = await gcmTokens()
    const send = () =>
      gcmPost(GITEA_TOKEN, {
        grant_type: 'refresh_token',
        refresh_token: first.refresh_token,
        client_id: GCM,
        client_secret: '',
        redirect_uri: 'http://127.0.0.1/',
      })
    const results = await Promise.all([send(), send(), send(), send()])
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200])
    const pairs = (await Promise.all(results.map((r) => r.json()))) as { access_token: string }[]
    for (const p of pairs) {
      const info = await fetch(`${server.url}/oauth/token/info`, {
        headers: { Authorization: `Bearer ${p.access_token}` },
      })
      expect(info.status).toBe(200)
    }
  })

  test('a confidential client (oauthClientSecret): the same credentials as Basic and in the body', async () => {
    const { application, clientSecret } = await server.provider.services.applications.create({
      name: 'GCM with a secret',
      // Any port is for public clients only (RFC 8252 §7.3); a confidential one names its port.
      redirectUris: ['http://127.0.0.1:50001/'],
      scopes: ['read_repository', 'write_repository'],
      defaultScopes: ['write_repository'],
    })
    const id = application.clientId
    const { code, verifier, redirectUri } = await gcmCode(50_001, id)
    const fields = {
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      client_id: id,
      client_secret: clientSecret!,
      redirect_uri: redirectUri,
    }
    const wrong = await gcmPost(GITEA_TOKEN, { ...fields, client_secret: 'lkcs_not-it' }, basic(id, clientSecret!))
    expect(wrong.status).toBe(400)
    expect(((await wrong.json()) as { error: string }).error).toBe('invalid_request')
    const res = await gcmPost(GITEA_TOKEN, fields, basic(id, clientSecret!))
    expect(res.status).toBe(200)
    const tokens = (await res.json()) as { refresh_token: string; scope: string }
    expect(tokens.scope.split(' ').sort()).toEqual(['read_repository', 'write_repository'])
    const refreshed = await gcmPost(
      GITEA_TOKEN,
      { grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: id, client_secret: clientSecret! },
      basic(id, clientSecret!),
    )
    expect(refreshed.status).toBe(200)
  })

  test('HTTP Basic with an empty password (x/oauth2 probing a public client) counts as no secret', async () => {
    const { code, verifier, redirectUri } = await gcmCode(50_002, GIT_CREDENTIAL_OAUTH)
    const res = await gcmPost(
      GITEA_TOKEN,
      { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: redirectUri },
      basic(GIT_CREDENTIAL_OAUTH, ''),
    )
    expect(res.status).toBe(200)
  })
})
