import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Client } from '../helpers/fixtures.ts'
import { seed } from '../helpers/fixtures.ts'
import { postForm } from '../helpers/oauth.ts'
import { startServer, type TestServer } from '../helpers/server.ts'

let server: TestServer
let M2M: Client
let C1: Client
let RS: Client

beforeAll(async () => {
  server = await startServer()
  const services = server.provider.services
  const f = await seed(services)
  C1 = f.C1
  RS = f.RS
  const { application, clientSecret } = await services.applications.create({
    name: 'CI bot',
    grantTypes: ['client_credentials'],
    scopes: ['openid', 'read_user', 'api'],
  })
  M2M = { clientId: application.clientId, secret: clientSecret, redirectUri: '' }
})
afterAll(() => server[Symbol.asyncDispose]())

describe('RFC 6749 §4.4 client credentials grant', () => {
  test.each(['form', 'json'])('§4.4.3 issues an access token and no refresh token (%s body)', async (kind) => {
    const res = await postForm(
      server.url,
      '/oauth/token',
      M2M,
      { grant_type: 'client_credentials', scope: 'read_user' },
      { json: kind === 'json' },
    )
    expect(res.status).toBe(200)
    const body = (await res.json()) as Record<string, unknown>
    expect(body).toMatchObject({ token_type: 'Bearer', scope: 'read_user' })
    expect(body.access_token).toStartWith('lkat_')
    expect(body.refresh_token).toBeUndefined()
  })

  test('checklist E.30: no id_token even with scope=openid', async () => {
    const body = (await (
      await postForm(server.url, '/oauth/token', M2M, { grant_type: 'client_credentials', scope: 'openid' })
    ).json()) as Record<string, unknown>
    expect(body.id_token).toBeUndefined()
  })

  test('§3.3 a scope outside the application set → invalid_scope; none → the application defaults', async () => {
    expect(
      await (
        await postForm(server.url, '/oauth/token', M2M, { grant_type: 'client_credentials', scope: 'admin' })
      ).json(),
    ).toMatchObject({ error: 'invalid_scope' })
    const body = (await (
      await postForm(server.url, '/oauth/token', M2M, { grant_type: 'client_credentials' })
    ).json()) as { scope: string }
    // openid is the only built-in default; the application allows it.
    expect(body.scope).toBe('openid')
  })

  test('§5.2 an app without the grant → unauthorized_client; a public client → invalid_client', async () => {
    expect(
      await (await postForm(server.url, '/oauth/token', C1, { grant_type: 'client_credentials' })).json(),
    ).toMatchObject({ error: 'unauthorized_client' })
    const pub = await server.provider.services.applications.create({
      name: 'SPA',
      isPublic: true,
      redirectUris: ['https://spa.example/cb'],
    })
    const res = await postForm(
      server.url,
      '/oauth/token',
      { clientId: pub.application.clientId, secret: null, redirectUri: '' },
      { grant_type: 'client_credentials' },
    )
    expect(res.status).toBe(401)
    expect(await res.json()).toMatchObject({ error: 'invalid_client' })
  })

  test(
    'RFC 9700 §4.15.1: introspection tells a client-credentials token from a user token (sub ' +
      'is the client, no username)',
    async () => {
      const { access_token } = (await (
        await postForm(server.url, '/oauth/token', M2M, { grant_type: 'client_credentials', scope: 'read_user' })
      ).json()) as { access_token: string }
      const info = (await (
        await postForm(server.url, '/oauth/introspect', RS, { token: access_token })
      ).json()) as Record<string, unknown>
      expect(info).toMatchObject({ active: true, client_id: M2M.clientId, sub: M2M.clientId, scope: 'read_user' })
      expect(info.username).toBeUndefined()
    },
  )

  test(
    'E.30 RFC 6749 §2.1, issue 3: a public application cannot be given client_credentials in ' +
      'the first place (it is not confidential)',
    async () => {
      await expect(
        server.provider.services.applications.create({
          name: 'bad',
          isPublic: true,
          grantTypes: ['client_credentials'],
        }),
      ).rejects.toThrow('confidential')
    },
  )
})
