/**
 * panva's openid-client (v6, functional API) against the compiled binary: the library, not our
 * own helpers, validates discovery, the authorization response, the ID token and userinfo.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import * as client from 'openid-client'
import { startBinary, type RunningBinary } from '../helpers/binary.ts'
import { Browser } from '../helpers/browser.ts'
import { PASSWORD } from '../helpers/fixtures.ts'

const RP_URI = 'https://rp.example/cb'
const NATIVE_URI = 'http://127.0.0.1/cb'

interface App {
  client_id: string
  client_secret?: string
}

let lk: RunningBinary
let rp: App
let native: App
let rs: App
let aliceId: string

beforeAll(async () => {
  lk = await startBinary()
  const alice = await lk.run(
    [
      'user',
      'create',
      '--username',
      'alice',
      '--email',
      'alice@example.com',
      '--name',
      'Alice Liddell',
      '--password-stdin',
      '--json',
    ],
    PASSWORD + '\n',
  )
  expect(alice.code).toBe(0)
  aliceId = alice.json().id
  rp = (
    await lk.run([
      'app',
      'create',
      '--name',
      'Relying party',
      '--redirect-uri',
      RP_URI,
      '--scopes',
      'openid profile email',
      '--json',
    ])
  ).json()
  native = (
    await lk.run([
      'app',
      'create',
      '--name',
      'Native',
      '--redirect-uri',
      NATIVE_URI,
      '--public',
      '--scopes',
      'openid profile',
      '--json',
    ])
  ).json()
  rs = (
    await lk.run([
      'app',
      'create',
      '--name',
      'Resource server',
      '--redirect-uri',
      'https://rs.example/cb',
      '--introspect',
      '--json',
    ])
  ).json()
})

afterAll(async () => {
  await lk?.[Symbol.asyncDispose]()
})

const insecure = { execute: [client.allowInsecureRequests] }

function configFor(app: App): Promise<client.Configuration> {
  const auth = app.client_secret ? client.ClientSecretBasic(app.client_secret) : client.None()
  return client.discovery(new URL(lk.url), app.client_id, undefined, auth, insecure)
}

/** Runs buildAuthorizationUrl → browser login and consent → authorizationCodeGrant. */
async function signIn(config: client.Configuration, redirectUri: string, scope = 'openid profile email') {
  const verifier = client.randomPKCECodeVerifier()
  const state = client.randomState()
  const nonce = client.randomNonce()
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope,
    state,
    nonce,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  })
  const callback = await new Browser(lk.url).authorize(Object.fromEntries(url.searchParams), { path: url.pathname })
  const tokens = await client.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: verifier,
    expectedState: state,
    expectedNonce: nonce,
    idTokenExpected: true,
  })
  return { tokens, callback, verifier, state, nonce }
}

/** The JSON members only (the library adds a symbol-keyed property to its results). */
const plain = (value: object): object => JSON.parse(JSON.stringify(value))

describe('openid-client v6 against the compiled binary', () => {
  test('OIDC Discovery §4: discovery() accepts the metadata and its issuer equals the URL it came from', async () => {
    const config = await configFor(rp)
    const meta = config.serverMetadata()
    expect(meta.issuer).toBe(lk.url)
    expect(meta).toMatchObject({
      authorization_endpoint: `${lk.url}/oauth/authorize`,
      token_endpoint: `${lk.url}/oauth/token`,
      userinfo_endpoint: `${lk.url}/oauth/userinfo`,
      revocation_endpoint: `${lk.url}/oauth/revoke`,
      introspection_endpoint: `${lk.url}/oauth/introspect`,
    })
    expect(meta.code_challenge_methods_supported).toContain('S256')
    expect(meta.supportsPKCE()).toBe(true)
  })

  test(
    'RFC 7636 §4 + OIDC Core §3.1.3.7: code + PKCE S256 for a confidential client; ' +
      'the library validates state, iss, nonce and the ID token',
    async () => {
      const config = await configFor(rp)
      const { tokens, callback, state, nonce } = await signIn(config, RP_URI)
      expect(callback.searchParams.get('state')).toBe(state)
      expect(callback.searchParams.get('iss')).toBe(lk.url)
      expect(tokens.access_token).toStartWith('lkat_')
      expect(tokens.refresh_token).toStartWith('lkrt_')
      expect(tokens.token_type).toBe('bearer')
      expect(tokens.scope).toBe('openid profile email')
      const claims = tokens.claims()!
      expect(claims).toMatchObject({ iss: lk.url, sub: aliceId, aud: rp.client_id, nonce })
      expect(typeof claims.auth_time).toBe('number')
      expect(typeof claims.at_hash).toBe('string')
    },
  )

  test("OIDC Core §5.3.2: fetchUserInfo returns the ID token's sub, with profile and email claims", async () => {
    const config = await configFor(rp)
    const { tokens } = await signIn(config, RP_URI)
    const sub = tokens.claims()!.sub
    const info = await client.fetchUserInfo(config, tokens.access_token, sub)
    expect(info.sub).toBe(sub)
    expect(info).toMatchObject({
      sub: aliceId,
      preferred_username: 'alice',
      name: 'Alice Liddell',
      email: 'alice@example.com',
    })
  })

  test('RFC 7636 §4.6: a wrong code_verifier is refused, surfaced by the library as invalid_grant', async () => {
    const config = await configFor(rp)
    const state = client.randomState()
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: RP_URI,
      scope: 'openid',
      state,
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    })
    const callback = await new Browser(lk.url).authorize(Object.fromEntries(url.searchParams))
    const error = await client
      .authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: client.randomPKCECodeVerifier(),
        expectedState: state,
      })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(client.ResponseBodyError)
    expect(error).toMatchObject({ error: 'invalid_grant', status: 400 })
  })

  test(
    'RFC 6749 §6 + RFC 9700 §4.14.2: refreshTokenGrant rotates the refresh token; ' +
      'the old one then fails with invalid_grant',
    async () => {
      const config = await configFor(rp)
      const { tokens } = await signIn(config, RP_URI)
      const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!)
      expect(refreshed.access_token).toStartWith('lkat_')
      expect(refreshed.access_token).not.toBe(tokens.access_token)
      expect(refreshed.refresh_token).toStartWith('lkrt_')
      expect(refreshed.refresh_token).not.toBe(tokens.refresh_token)
      expect((await client.fetchUserInfo(config, refreshed.access_token, aliceId)).sub).toBe(aliceId)
      const error = await client.refreshTokenGrant(config, tokens.refresh_token!).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(client.ResponseBodyError)
      expect(error).toMatchObject({ error: 'invalid_grant', status: 400 })
    },
  )

  test(
    'RFC 7662 §2.2: ' +
      'tokenIntrospection of a live token by the client itself and by a resource server with --introspect',
    async () => {
      const config = await configFor(rp)
      const { tokens } = await signIn(config, RP_URI)
      const own = await client.tokenIntrospection(config, tokens.access_token)
      expect(own).toMatchObject({
        active: true,
        client_id: rp.client_id,
        sub: aliceId,
        scope: 'openid profile email',
        token_type: 'Bearer',
        iss: lk.url,
      })
      const byRs = await client.tokenIntrospection(await configFor(rs), tokens.access_token)
      expect(byRs).toMatchObject({ active: true, client_id: rp.client_id, sub: aliceId })
      expect(byRs.exp! - byRs.iat!).toBe(7200)
    },
  )

  test(
    'RFC 7009 §2.1 + RFC 7662 §2.2: after tokenRevocation, ' +
      'tokenIntrospection says active:false and userinfo refuses the token',
    async () => {
      const config = await configFor(rp)
      const { tokens } = await signIn(config, RP_URI)
      const rsConfig = await configFor(rs)
      expect((await client.tokenIntrospection(rsConfig, tokens.access_token)).active).toBe(true)
      await client.tokenRevocation(config, tokens.access_token)
      expect(plain(await client.tokenIntrospection(rsConfig, tokens.access_token))).toEqual({ active: false })
      const refused = await client.fetchUserInfo(config, tokens.access_token, aliceId).catch((e: unknown) => e)
      expect(refused).toBeInstanceOf(client.WWWAuthenticateChallengeError)
      expect((refused as client.WWWAuthenticateChallengeError).cause[0]).toMatchObject({
        scheme: 'bearer',
        parameters: { error: 'invalid_token' },
      })
    },
  )

  test('RFC 7009 §2.1: revoking the refresh token makes it unusable for refreshTokenGrant', async () => {
    const config = await configFor(rp)
    const { tokens } = await signIn(config, RP_URI)
    await client.tokenRevocation(config, tokens.refresh_token!, { token_type_hint: 'refresh_token' })
    expect(plain(await client.tokenIntrospection(await configFor(rs), tokens.refresh_token!))).toEqual({
      active: false,
    })
    const error = await client.refreshTokenGrant(config, tokens.refresh_token!).catch((e: unknown) => e)
    expect(error).toMatchObject({ error: 'invalid_grant' })
  })

  test(
    'RFC 7636 + RFC 8252 §7.3: ' +
      'a public client (token_endpoint_auth_method none) on a loopback redirect completes the flow',
    async () => {
      const config = await configFor(native)
      const { tokens, nonce } = await signIn(config, NATIVE_URI, 'openid profile')
      expect(tokens.claims()).toMatchObject({ sub: aliceId, aud: native.client_id, nonce })
      expect(tokens.scope).toBe('openid profile')
      const info = await client.fetchUserInfo(config, tokens.access_token, aliceId)
      expect(info.email).toBeUndefined()
      const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!)
      expect(refreshed.refresh_token).not.toBe(tokens.refresh_token)
      expect(await client.tokenIntrospection(await configFor(rs), refreshed.access_token)).toMatchObject({
        active: true,
        client_id: native.client_id,
      })
    },
  )
})

describe('structured logs of the binary', () => {
  test('PRODUCT conventions: after full flows every log line is JSON, none holds a token, code or secret', async () => {
    const config = await configFor(rp)
    const { tokens, callback } = await signIn(config, RP_URI)
    await client.refreshTokenGrant(config, tokens.refresh_token!)
    const secrets = [
      tokens.access_token,
      tokens.refresh_token!,
      tokens.id_token!,
      callback.searchParams.get('code')!,
      rp.client_secret!,
      PASSWORD,
    ]
    await Bun.sleep(50)
    const requests = lk.logs.map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(requests.length).toBeGreaterThan(10)
    const all = lk.logs.join('\n')
    for (const secret of secrets) expect(all).not.toContain(secret)
    expect(all).not.toMatch(/lk(at|rt|ac|cs|pat)_[A-Za-z0-9_-]{20,}/)
  })
})
