/**
 * Issue 18: client management (RFC 7592) at the registration_client_uri with the registration access
 * token; the purge of self-registered clients that never obtained a token; consent for them.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import { exchange, getCode, type Env } from '../helpers/flows.ts'
import { basic } from '../helpers/oauth.ts'
import { testClock } from '../helpers/server.ts'
import { Browser } from '../helpers/browser.ts'
import { configure, expectError, initialToken, registered, registrationEnv, WEB_CLIENT } from '../rfc7591/support.ts'

let env: Env
beforeAll(async () => {
  env = await registrationEnv('token')
})
afterAll(async () => {
  await env.server[Symbol.asyncDispose]()
})
beforeEach(async () => {
  await env.server.provider.services.rateLimits.reset('registrationPerIp', '127.0.0.1')
})

async function newClient(metadata: Record<string, unknown> = WEB_CLIENT) {
  return registered(env, metadata, await initialToken(env))
}

describe('RFC 7592 §2.1: reading the registration', () => {
  test('GET with the registration access token answers the metadata, without the secret, token unchanged', async () => {
    const c = await newClient({ ...WEB_CLIENT, logo_uri: 'https://rp.example/logo.png', contacts: ['ops@rp.example'] })
    const res = await configure(c.registration_client_uri, 'GET', c.registration_access_token)
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toContain('no-store')
    const body = (await res.json()) as Record<string, any>
    expect(body).toMatchObject({
      client_id: c.client_id,
      client_name: 'Web client',
      redirect_uris: WEB_CLIENT.redirect_uris,
      logo_uri: 'https://rp.example/logo.png',
      contacts: ['ops@rp.example'],
      client_secret_expires_at: 0,
      registration_client_uri: c.registration_client_uri,
    })
    expect(body.client_secret).toBeUndefined()
    expect(body.registration_access_token).toBeUndefined()
    expect((await configure(c.registration_client_uri, 'GET', c.registration_access_token)).status).toBe(200)
  })

  test("RFC 7592 §2.1 / RFC 6750 §3.1: no token, a wrong token, or another client's token: 401", async () => {
    const a = await newClient()
    const b = await newClient()
    const none = await configure(a.registration_client_uri, 'GET', undefined)
    expect(none.status).toBe(401)
    expect(none.headers.get('www-authenticate')).toStartWith('Bearer')
    await expectError(await configure(a.registration_client_uri, 'GET', 'lkrat_wrong'), 401, 'invalid_token')
    // A client may manage only itself.
    await expectError(
      await configure(a.registration_client_uri, 'GET', b.registration_access_token),
      401,
      'invalid_token',
    )
    await expectError(
      await configure(a.registration_client_uri, 'PUT', b.registration_access_token, {
        ...WEB_CLIENT,
        client_id: a.client_id,
      }),
      401,
      'invalid_token',
    )
    await expectError(
      await configure(a.registration_client_uri, 'DELETE', b.registration_access_token),
      401,
      'invalid_token',
    )
    expect(await env.server.provider.services.applications.findByClientId(a.client_id)).toBeDefined()
  })

  test('RFC 7592 §2: an application an administrator made has no configuration endpoint (401)', async () => {
    const uri = `${env.server.url}/oauth/register?client_id=${encodeURIComponent(env.f.C1.clientId)}`
    await expectError(await configure(uri, 'GET', 'lkrat_anything'), 401, 'invalid_token')
  })
})

describe('RFC 7592 §2.2: updating the registration', () => {
  test('PUT replaces the metadata and rotates the registration access token', async () => {
    const c = await newClient({ ...WEB_CLIENT, logo_uri: 'https://rp.example/logo.png' })
    const update = {
      client_id: c.client_id,
      client_name: 'Renamed',
      redirect_uris: ['https://rp.example/new-cb'],
      grant_types: ['authorization_code'],
      scope: 'openid',
    }
    const res = await configure(c.registration_client_uri, 'PUT', c.registration_access_token, update)
    expect(res.status).toBe(200)
    const body = (await res.json()) as Record<string, any>
    expect(body).toMatchObject({
      client_name: 'Renamed',
      redirect_uris: ['https://rp.example/new-cb'],
      scope: 'openid',
    })
    // Omitted fields are deleted (RFC 7592 §2.2): the logo is gone.
    expect(body.logo_uri).toBeUndefined()
    expect(body.registration_access_token).toStartWith('lkrat_')
    expect(body.registration_access_token).not.toBe(c.registration_access_token)
    await expectError(
      await configure(c.registration_client_uri, 'GET', c.registration_access_token),
      401,
      'invalid_token',
    )
    expect((await configure(c.registration_client_uri, 'GET', body.registration_access_token)).status).toBe(200)
    const app = await env.server.provider.services.applications.show(c.client_id)
    expect(app).toMatchObject({ name: 'Renamed', redirectUris: ['https://rp.example/new-cb'], logoUri: null })
    // The secret is unchanged: it still authenticates (RFC 7592 §2.2: the client cannot choose a new one).
    expect(
      (
        await fetch(`${env.server.url}/oauth/revoke`, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/x-www-form-urlencoded',
            Authorization: basic(c.client_id, c.client_secret),
          },
          body: 'token=x',
        })
      ).status,
    ).toBe(200)
  })

  test('RFC 7592 §2.2 / RFC 7591 §3.2.1: omitted grant_types and scope keep the current ones', async () => {
    const token = await initialToken(env, { grantTypes: ['client_credentials'], scopes: ['read_user'] })
    const c = await registered(
      env,
      { client_name: 'Robot', grant_types: ['client_credentials'], response_types: [], scope: 'read_user' },
      token,
    )
    const res = await configure(c.registration_client_uri, 'PUT', c.registration_access_token, {
      client_id: c.client_id,
      client_name: 'Robot 2',
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({
      client_name: 'Robot 2',
      grant_types: ['client_credentials'],
      scope: 'read_user',
    })
  })

  const REFUSED: Array<[string, (c: Record<string, any>) => Record<string, unknown>, string, string]> = [
    ['without client_id', () => ({ ...WEB_CLIENT }), 'invalid_client_metadata', 'client_id'],
    [
      'with another client_id',
      () => ({ ...WEB_CLIENT, client_id: 'lkc_other' }),
      'invalid_client_metadata',
      'client_id',
    ],
    [
      'with registration_access_token',
      (c) => ({ ...WEB_CLIENT, client_id: c.client_id, registration_access_token: c.registration_access_token }),
      'invalid_client_metadata',
      'registration_access_token',
    ],
    [
      'with a client_secret that is not the current one',
      (c) => ({ ...WEB_CLIENT, client_id: c.client_id, client_secret: 'lkcs_mine' }),
      'invalid_client_metadata',
      'client_secret',
    ],
    [
      'widening the scopes',
      (c) => ({ ...WEB_CLIENT, client_id: c.client_id, scope: 'openid email' }),
      'invalid_client_metadata',
      'scope',
    ],
    [
      'widening the grant types',
      (c) => ({ ...WEB_CLIENT, client_id: c.client_id, grant_types: ['authorization_code', 'client_credentials'] }),
      'invalid_client_metadata',
      'grant_types',
    ],
    [
      'turning public',
      (c) => ({ ...WEB_CLIENT, client_id: c.client_id, token_endpoint_auth_method: 'none' }),
      'invalid_client_metadata',
      'token_endpoint_auth_method',
    ],
    [
      'an http redirect URI',
      (c) => ({ ...WEB_CLIENT, client_id: c.client_id, redirect_uris: ['http://rp.example/cb'] }),
      'invalid_redirect_uri',
      'redirect_uris',
    ],
  ]
  test.each(REFUSED)('RFC 7592 §2.2: PUT %s is refused (%s), and nothing changes', async (_w, make, error, field) => {
    const c = await newClient()
    await expectError(
      await configure(c.registration_client_uri, 'PUT', c.registration_access_token, make(c)),
      400,
      error,
      field,
    )
    // The token was not rotated, the metadata not touched.
    const res = await configure(c.registration_client_uri, 'GET', c.registration_access_token)
    expect(res.status).toBe(200)
    expect(((await res.json()) as Record<string, unknown>).scope).toBe('openid profile')
  })
})

describe('RFC 7592 §2.3: deleting the registration', () => {
  test('DELETE answers 204; the client, its tokens and its configuration endpoint are gone', async () => {
    const c = await newClient()
    const client = { clientId: c.client_id, secret: c.client_secret, redirectUri: WEB_CLIENT.redirect_uris[0]! }
    const { code, verifier } = await getCode(env, client, { scope: 'openid profile' })
    const tokens = (await (await exchange(env, client, code, verifier)).json()) as { access_token: string }
    const res = await configure(c.registration_client_uri, 'DELETE', c.registration_access_token)
    expect(res.status).toBe(204)
    await expectError(
      await configure(c.registration_client_uri, 'GET', c.registration_access_token),
      401,
      'invalid_token',
    )
    const userinfo = await fetch(`${env.server.url}/oauth/userinfo`, {
      headers: { Authorization: `Bearer ${tokens.access_token}` },
    })
    expect(userinfo.status).toBe(401)
    // RFC 6749 §5.2: the deleted client is unknown: 401 invalid_client, so it knows to register again.
    const token = await fetch(`${env.server.url}/oauth/token`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Authorization: basic(c.client_id, c.client_secret),
      },
      body: 'grant_type=refresh_token&refresh_token=x',
    })
    await expectError(token, 401, 'invalid_client')
    const events = await env.server.db
      .selectFrom('audit_events')
      .select(['type', 'detail'])
      .where('type', 'in', ['application.registered', 'application.registration_deleted'])
      .execute()
    expect(
      events
        .filter((e) => JSON.parse(e.detail).clientId === c.client_id)
        .map((e) => e.type)
        .sort(),
    ).toEqual(['application.registered', 'application.registration_deleted'])
  })
})

describe('issue 18: unused self-registered clients are purged', () => {
  test('a client that never got a token goes after registrationPurgeAfter; one that did stays; 401 after', async () => {
    const clock = testClock(1_800_000_000)
    const penv = await registrationEnv('token', { clock, config: { registrationPurgeAfter: 3600 } })
    try {
      const token = await initialToken(penv, { maxUses: 3 })
      const unused = await registered(penv, WEB_CLIENT, token)
      const used = await registered(penv, WEB_CLIENT, token)
      const client = { clientId: used.client_id, secret: used.client_secret, redirectUri: WEB_CLIENT.redirect_uris[0]! }
      const { code, verifier } = await getCode(penv, client, { scope: 'openid' })
      expect((await exchange(penv, client, code, verifier)).status).toBe(200)
      clock.advance(3599)
      expect((await penv.server.provider.services.purge.run()).unusedClients).toBe(0)
      clock.advance(2)
      expect((await penv.server.provider.services.purge.run()).unusedClients).toBe(1)
      expect(await penv.server.provider.services.applications.findByClientId(unused.client_id)).toBeUndefined()
      expect(await penv.server.provider.services.applications.findByClientId(used.client_id)).toBeDefined()
      // Admin-made applications are never purged, used or not.
      expect(await penv.server.provider.services.applications.findByClientId(penv.f.C2.clientId)).toBeDefined()
      const res = await fetch(`${penv.server.url}/oauth/token`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          Authorization: basic(unused.client_id, unused.client_secret),
        },
        body: 'grant_type=authorization_code&code=x&redirect_uri=https%3A%2F%2Frp.example%2Fcb',
      })
      await expectError(res, 401, 'invalid_client')
      const purged = await penv.server.db
        .selectFrom('audit_events')
        .selectAll()
        .where('type', '=', 'application.purged')
        .execute()
      expect(purged.map((e) => JSON.parse(e.detail).clientId)).toEqual([unused.client_id])
    } finally {
      await penv.server[Symbol.asyncDispose]()
    }
  })
})

describe('issue 18: consent for a self-registered client', () => {
  test('its name, logo and links are escaped and marked unverified; the logo origin alone may load', async () => {
    const c = await newClient({
      ...WEB_CLIENT,
      client_name: 'Evil <script>alert(1)</script>',
      logo_uri: 'https://cdn.rp.example/logo.png?a=1&b="x"',
      client_uri: 'https://rp.example/',
      policy_uri: 'https://rp.example/privacy',
    })
    const browser = new Browser(env.server.url)
    await browser.login()
    const res = await browser.get(
      `/oauth/authorize?${new URLSearchParams({
        response_type: 'code',
        client_id: c.client_id,
        redirect_uri: WEB_CLIENT.redirect_uris[0]!,
        scope: 'openid',
        state: 's',
      })}`,
    )
    expect(res.status).toBe(200)
    const page = await res.text()
    expect(page).not.toContain('<script>alert(1)</script>')
    expect(page).toContain('Evil &lt;script&gt;')
    expect(page).toContain('Unverified')
    expect(page).toContain('src="https://cdn.rp.example/logo.png?a=1&amp;b=&quot;x&quot;"')
    expect(page).toContain('href="https://rp.example/privacy"')
    expect(res.headers.get('content-security-policy')).toContain("img-src 'self' https://cdn.rp.example;")
    // An application an administrator made is not marked.
    const admin = await browser.get(
      `/oauth/authorize?${new URLSearchParams({
        response_type: 'code',
        client_id: env.f.C2.clientId,
        redirect_uri: env.f.C2.redirectUri,
        scope: 'openid',
        state: 's',
      })}`,
    )
    expect(await admin.text()).not.toContain('Unverified')
  })
})
