/**
 * Issue 18: dynamic client registration (RFC 7591) at POST /oauth/register, under each registration
 * policy; every refusal with its RFC error code and section.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import { exchange, getCode, type Env } from '../helpers/flows.ts'
import { basic } from '../helpers/oauth.ts'
import { expectError, initialToken, register, registered, registrationEnv, WEB_CLIENT } from './support.ts'

const discovery = async (env: Env) =>
  (await (await fetch(`${env.server.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>

describe('issue 18: registration policy off (the default)', () => {
  test('RFC 8414 §2: no registration_endpoint in discovery; POST /oauth/register is 404', async () => {
    const env = await registrationEnv('off')
    try {
      expect(env.server.config.registrationPolicy).toBe('off')
      expect((await discovery(env)).registration_endpoint).toBeUndefined()
      const res = await register(env, WEB_CLIENT)
      expect(res.status).toBe(404)
      expect(await env.server.provider.services.applications.list()).toHaveLength(4) // the seeded ones only
    } finally {
      await env.server[Symbol.asyncDispose]()
    }
  })
})

describe('issue 18: registration policy token (RFC 7591 §3 initial access tokens)', () => {
  let env: Env
  beforeAll(async () => {
    env = await registrationEnv('token')
  })
  // Many registrations from one address in one suite: the limit itself is tested below, on its own server.
  beforeEach(async () => {
    await env.server.provider.services.rateLimits.reset('registrationPerIp', '127.0.0.1')
  })
  afterAll(async () => {
    await env.server[Symbol.asyncDispose]()
  })

  test('RFC 8414 §2 / RFC 7591 §3: discovery names the registration endpoint', async () => {
    expect((await discovery(env)).registration_endpoint).toBe(`${env.server.config.issuer}/oauth/register`)
  })

  test('RFC 7591 §3 / RFC 6750 §3.1: no token: 401, Bearer challenge; a wrong one: 401 invalid_token', async () => {
    const none = await register(env, WEB_CLIENT)
    expect(none.status).toBe(401)
    expect(none.headers.get('www-authenticate')).toStartWith('Bearer')
    const wrong = await register(env, WEB_CLIENT, { token: 'lkiat_not-a-real-token' })
    expect(wrong.status).toBe(401)
    expect(wrong.headers.get('www-authenticate')).toContain('error="invalid_token"')
    await expectError(wrong, 401, 'invalid_token')
  })

  test('RFC 7591 §3.2.1: 201 with client_id, secret, issued_at, expires_at 0, the RFC 7592 token and URI', async () => {
    const token = await initialToken(env)
    const res = await register(env, { ...WEB_CLIENT, software_statement_extra: 'x', frobnicate: true }, { token })
    expect(res.status).toBe(201)
    expect(res.headers.get('cache-control')).toContain('no-store')
    const body = (await res.json()) as Record<string, any>
    expect(body.client_id).toStartWith('lkc_')
    expect(body.client_secret).toStartWith('lkcs_')
    expect(body.client_secret_expires_at).toBe(0)
    expect(typeof body.client_id_issued_at).toBe('number')
    expect(body.registration_access_token).toStartWith('lkrat_')
    expect(body.registration_client_uri).toBe(`${env.server.config.issuer}/oauth/register?client_id=${body.client_id}`)
    expect(body).toMatchObject({
      client_name: 'Web client',
      redirect_uris: ['https://rp.example/cb'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: 'openid profile',
    })
    // RFC 7591 §2: unknown metadata is ignored, and never echoed as if it had been accepted.
    expect(body.frobnicate).toBeUndefined()
    expect(body.software_statement_extra).toBeUndefined()
    const app = await env.server.provider.services.applications.show(body.client_id)
    expect(app).toMatchObject({ registration: 'dynamic', isPublic: false, isTrusted: false, grantCompletedAt: null })
    // The secret works at the token endpoint (RFC 6749 §2.3.1), nothing stored in clear.
    const rows = await env.server.db
      .selectFrom('applications')
      .selectAll()
      .where('client_id', '=', body.client_id)
      .execute()
    expect(JSON.stringify(rows)).not.toContain(body.client_secret)
    expect(JSON.stringify(rows)).not.toContain(body.registration_access_token)
  })

  test('RFC 7591 §3: a token of one use registers one client; expired and revoked ones are invalid_token', async () => {
    const token = await initialToken(env, { maxUses: 1 })
    expect((await register(env, WEB_CLIENT, { token })).status).toBe(201)
    await expectError(await register(env, WEB_CLIENT, { token }), 401, 'invalid_token')
    const revocable = await env.server.provider.services.registration.createToken({})
    await env.server.provider.services.registration.revokeToken(revocable.initialAccessToken.id)
    await expectError(await register(env, WEB_CLIENT, { token: revocable.token }), 401, 'invalid_token')
    const listed = await env.server.provider.services.registration.listTokens()
    expect(listed.find((t) => t.id === revocable.initialAccessToken.id)?.state).toBe('revoked')
    expect(JSON.stringify(listed)).not.toContain(revocable.token)
  })

  test('RFC 7591 §3.2.2: scopes and grant types outside the token ceiling are invalid_client_metadata', async () => {
    const token = await initialToken(env, { maxUses: 10, scopes: ['openid'], grantTypes: ['authorization_code'] })
    await expectError(
      await register(env, { ...WEB_CLIENT, grant_types: ['authorization_code'], scope: 'openid email' }, { token }),
      400,
      'invalid_client_metadata',
      'scope',
    )
    await expectError(await register(env, WEB_CLIENT, { token }), 400, 'invalid_client_metadata', 'grant_types')
    await expectError(
      await register(
        env,
        { ...WEB_CLIENT, scope: 'openid no_such_scope', grant_types: ['authorization_code'] },
        { token },
      ),
      400,
      'invalid_client_metadata',
      'scope',
    )
    // A refused registration uses nothing up, and writes nothing.
    const ok = await registered(env, { ...WEB_CLIENT, scope: 'openid', grant_types: ['authorization_code'] }, token)
    expect(ok.scope).toBe('openid')
    const t = (await env.server.provider.services.registration.listTokens()).find((x) => x.scopes.join() === 'openid')
    expect(t?.useCount).toBe(1)
  })

  test('RFC 7591 §3: the body must be application/json; otherwise 400 invalid_client_metadata', async () => {
    const token = await initialToken(env, { maxUses: 10 })
    await expectError(
      await register(env, null, { token, contentType: 'application/x-www-form-urlencoded', raw: 'client_name=x' }),
      400,
      'invalid_client_metadata',
    )
    await expectError(await register(env, null, { token, raw: '{"redirect_uris": [' }), 400, 'invalid_client_metadata')
    await expectError(await register(env, null, { token, raw: '["a"]' }), 400, 'invalid_client_metadata')
    await expectError(
      await register(env, null, {
        token,
        raw: '{"client_name":"a","client_name":"b","redirect_uris":["https://a.example/cb"]}',
      }),
      400,
      'invalid_client_metadata',
    )
  })

  const REFUSED: Array<[string, Record<string, unknown>, string, string]> = [
    [
      'http on a non-loopback host',
      { redirect_uris: ['http://rp.example/cb'] },
      'invalid_redirect_uri',
      'redirect_uris',
    ],
    ['a fragment', { redirect_uris: ['https://rp.example/cb#x'] }, 'invalid_redirect_uri', 'redirect_uris'],
    ['javascript:', { redirect_uris: ['javascript:alert(1)'] }, 'invalid_redirect_uri', 'redirect_uris'],
    ['a wildcard', { redirect_uris: ['https://*.example/cb'] }, 'invalid_redirect_uri', 'redirect_uris'],
    ['no redirect URI for the code flow', { redirect_uris: [] }, 'invalid_redirect_uri', 'redirect_uris'],
    ['redirect_uris not an array', { redirect_uris: 'https://rp.example/cb' }, 'invalid_redirect_uri', 'redirect_uris'],
    [
      'private_key_jwt',
      { token_endpoint_auth_method: 'private_key_jwt' },
      'invalid_client_metadata',
      'token_endpoint_auth_method',
    ],
    ['the implicit grant', { grant_types: ['implicit'] }, 'invalid_client_metadata', 'grant_types'],
    [
      'the password grant',
      { grant_types: ['authorization_code', 'password'] },
      'invalid_client_metadata',
      'grant_types',
    ],
    ['an unknown grant', { grant_types: ['urn:example:magic'] }, 'invalid_client_metadata', 'grant_types'],
    ['response_types token', { response_types: ['token'] }, 'invalid_client_metadata', 'response_types'],
    [
      'response_types without code for the code grant (RFC 7591 §2.1)',
      { response_types: [] },
      'invalid_client_metadata',
      'response_types',
    ],
    ['a javascript: logo_uri', { logo_uri: 'javascript:alert(1)' }, 'invalid_client_metadata', 'logo_uri'],
    ['an http client_uri', { client_uri: 'http://rp.example/' }, 'invalid_client_metadata', 'client_uri'],
    ['a data: policy_uri', { policy_uri: 'data:text/html,hi' }, 'invalid_client_metadata', 'policy_uri'],
    ['a tos_uri with credentials', { tos_uri: 'https://u:p@rp.example/tos' }, 'invalid_client_metadata', 'tos_uri'],
    ['client_name not a string', { client_name: 42 }, 'invalid_client_metadata', 'client_name'],
    ['contacts not an array', { contacts: 'a@example.com' }, 'invalid_client_metadata', 'contacts'],
    ['a scope with a quote', { scope: 'openid "x' }, 'invalid_client_metadata', 'scope'],
    [
      'an unknown ID token algorithm',
      { id_token_signed_response_alg: 'none' },
      'invalid_client_metadata',
      'id_token_signed_response_alg',
    ],
    [
      'client_credentials for a public client (RFC 6749 §4.4)',
      { token_endpoint_auth_method: 'none', grant_types: ['client_credentials'], response_types: [] },
      'invalid_client_metadata',
      'grant_types',
    ],
  ]
  test.each(REFUSED)('RFC 7591 §2 / §3.2.2: %s is refused (%s)', async (_what, change, error, field) => {
    const token = await initialToken(env, {
      grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
    })
    const res = await register(env, { ...WEB_CLIENT, ...change }, { token })
    await expectError(res, 400, error, field)
    expect(
      (await env.server.provider.services.applications.list()).filter(
        (a) => a.name === 'Web client' && a.updatedAt < 0,
      ),
    ).toHaveLength(0)
  })

  test('RFC 6749 §2.3.1: a client registered with a token authenticates with its secret', async () => {
    const token = await initialToken(env, { grantTypes: ['client_credentials'], scopes: ['read_user'] })
    const body = await registered(
      env,
      { client_name: 'Robot', grant_types: ['client_credentials'], response_types: [], scope: 'read_user' },
      token,
    )
    expect(body.response_types).toEqual([])
    const res = await fetch(`${env.server.url}/oauth/token`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Authorization: basic(body.client_id, body.client_secret),
      },
      body: 'grant_type=client_credentials&scope=read_user',
    })
    expect(res.status).toBe(200)
    // Issue 18: obtaining a token marks the registration as used, so the purge keeps it.
    expect((await env.server.provider.services.applications.show(body.client_id)).grantCompletedAt).not.toBeNull()
  })

  test('issue 18 audit: a registration is recorded with the token that allowed it, never a secret', async () => {
    const made = await env.server.provider.services.registration.createToken({})
    const body = await registered(env, WEB_CLIENT, made.token)
    const events = await env.server.db
      .selectFrom('audit_events')
      .selectAll()
      .where('type', '=', 'application.registered')
      .execute()
    const mine = events.find((e) => JSON.parse(e.detail).clientId === body.client_id)
    expect(JSON.parse(mine!.detail)).toMatchObject({
      policy: 'token',
      initialAccessTokenId: made.initialAccessToken.id,
    })
    expect(JSON.stringify(events)).not.toContain(made.token)
  })
})

describe('issue 18: registration policy open', () => {
  let env: Env
  const NATIVE = {
    client_name: 'Agent',
    redirect_uris: ['http://127.0.0.1:8765/callback'],
    grant_types: ['authorization_code', 'refresh_token'],
    token_endpoint_auth_method: 'none',
    scope: 'openid profile',
  }
  beforeAll(async () => {
    env = await registrationEnv('open')
    await env.server.provider.services.scopes.update('openid', { selfRegistration: true })
    await env.server.provider.services.scopes.update('profile', { selfRegistration: true })
  })
  afterAll(async () => {
    await env.server[Symbol.asyncDispose]()
  })

  test('RFC 7591 §3: anyone may register a public client; then authorization code + PKCE works', async () => {
    const body = await registered(env, NATIVE)
    expect(body.client_secret).toBeUndefined()
    expect(body.client_secret_expires_at).toBeUndefined()
    expect(body.token_endpoint_auth_method).toBe('none')
    const client = { clientId: body.client_id, secret: null, redirectUri: NATIVE.redirect_uris[0]! }
    const { code, verifier } = await getCode(env, client, { scope: 'openid profile' })
    const res = await exchange(env, client, code, verifier)
    expect(res.status).toBe(200)
    expect(((await res.json()) as { refresh_token?: string }).refresh_token).toBeDefined()
  })

  test('RFC 7636 §4.4.1: a self-registered public client without PKCE is refused at /authorize', async () => {
    const body = await registered(env, NATIVE)
    const res = await fetch(
      `${env.server.url}/oauth/authorize?${new URLSearchParams({
        response_type: 'code',
        client_id: body.client_id,
        redirect_uri: NATIVE.redirect_uris[0]!,
        scope: 'openid',
        state: 's',
      })}`,
      { redirect: 'manual' },
    )
    const location = new URL(res.headers.get('location')!)
    expect(location.searchParams.get('error')).toBe('invalid_request')
  })

  test('RFC 7591 §3.2.1: without token_endpoint_auth_method the server substitutes none, not a secret', async () => {
    const { token_endpoint_auth_method: _, ...withoutMethod } = NATIVE
    const body = await registered(env, withoutMethod)
    expect(body.token_endpoint_auth_method).toBe('none')
    expect(body.client_secret).toBeUndefined()
  })

  const OPEN_REFUSED: Array<[string, Record<string, unknown>, string]> = [
    ['a confidential client', { token_endpoint_auth_method: 'client_secret_basic' }, 'token_endpoint_auth_method'],
    [
      'the device grant',
      { grant_types: ['authorization_code', 'urn:ietf:params:oauth:grant-type:device_code'] },
      'grant_types',
    ],
    ['client_credentials', { grant_types: ['client_credentials'], response_types: [] }, 'grant_types'],
    ['a scope not open to self-registration', { scope: 'openid email' }, 'scope'],
  ]
  test.each(OPEN_REFUSED)(
    'RFC 7591 §3.2.2: open registration refuses %s (invalid_client_metadata)',
    async (_w, change, field) => {
      await expectError(await register(env, { ...NATIVE, ...change }), 400, 'invalid_client_metadata', field)
    },
  )

  test('RFC 7591 §2: without scope, the scopes open to self-registration are registered', async () => {
    const { scope: _, ...withoutScope } = NATIVE
    expect((await registered(env, withoutScope)).scope.split(' ').sort()).toEqual(['openid', 'profile'])
  })

  test('RFC 7591 §3: an initial access token still works under open, with its own (wider) ceiling', async () => {
    const token = await initialToken(env)
    const body = await registered(env, { ...WEB_CLIENT, scope: 'openid email' }, token)
    expect(body.client_secret).toStartWith('lkcs_')
  })
})

describe('issue 18: abuse', () => {
  test('RFC 6585 §4: registrations per address are limited; the 21st in 10 minutes gets 429, Retry-After', async () => {
    const env = await registrationEnv('open')
    try {
      await env.server.provider.services.scopes.update('openid', { selfRegistration: true })
      const native = {
        redirect_uris: ['http://127.0.0.1/cb'],
        token_endpoint_auth_method: 'none',
        scope: 'openid',
      }
      for (let i = 0; i < 20; i++) expect((await register(env, native)).status).toBe(201)
      const res = await register(env, native)
      expect(res.status).toBe(429)
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
    } finally {
      await env.server[Symbol.asyncDispose]()
    }
  })
})
