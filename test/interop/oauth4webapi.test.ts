/**
 * panva's oauth4webapi (v3) against the compiled binary, over the GitLab paths found by discovery
 * and over the Gitea paths (/login/oauth/*) described by a hand-built AuthorizationServer.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import * as oauth from 'oauth4webapi'
import { startBinary, type RunningBinary } from '../helpers/binary.ts'
import { Browser } from '../helpers/browser.ts'
import { PASSWORD } from '../helpers/fixtures.ts'

const RP_URI = 'https://rp.example/cb'
const NATIVE_URI = 'http://127.0.0.1/callback'
const insecure = { [oauth.allowInsecureRequests]: true } as const

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
    ['user', 'create', '--username', 'alice', '--email', 'alice@example.com', '--password-stdin', '--json'],
    PASSWORD,
  )
  expect(alice.code).toBe(0)
  aliceId = alice.json().id
  rp = (await lk.run(['app', 'create', '--name', 'Forge', '--redirect-uri', RP_URI, '--json'])).json()
  native = (
    await lk.run(['app', 'create', '--name', 'git-credential', '--redirect-uri', NATIVE_URI, '--public', '--json'])
  ).json()
  rs = (
    await lk.run([
      'app',
      'create',
      '--name',
      'API',
      '--redirect-uri',
      'https://api.example/cb',
      '--introspect',
      '--json',
    ])
  ).json()
})

afterAll(async () => {
  await lk?.[Symbol.asyncDispose]()
})

async function discover(): Promise<oauth.AuthorizationServer> {
  const issuer = new URL(lk.url)
  return oauth.processDiscoveryResponse(
    issuer,
    await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...insecure }),
  )
}

function auth(app: App): oauth.ClientAuth {
  return app.client_secret ? oauth.ClientSecretPost(app.client_secret) : oauth.None()
}

/** Authorization request → login and consent in the browser → token request, all checked by the library. */
async function signIn(as: oauth.AuthorizationServer, app: App, redirectUri: string, scope = 'openid profile email') {
  const c: oauth.Client = { client_id: app.client_id }
  const verifier = oauth.generateRandomCodeVerifier()
  const state = oauth.generateRandomState()
  const nonce = oauth.generateRandomNonce()
  const url = new URL(as.authorization_endpoint!)
  const query = {
    client_id: app.client_id,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope,
    state,
    nonce,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  }
  const callback = await new Browser(lk.url).authorize(query, { path: url.pathname })
  const params = oauth.validateAuthResponse(as, c, callback, state)
  const response = await oauth.authorizationCodeGrantRequest(as, c, auth(app), params, redirectUri, verifier, insecure)
  const tokens = await oauth.processAuthorizationCodeResponse(as, c, response, {
    expectedNonce: nonce,
    requireIdToken: true,
  })
  return { c, tokens, claims: oauth.getValidatedIdTokenClaims(tokens)!, callback, nonce }
}

async function introspectAsRs(as: oauth.AuthorizationServer, token: string) {
  const c = { client_id: rs.client_id }
  return oauth.processIntrospectionResponse(
    as,
    c,
    await oauth.introspectionRequest(as, c, oauth.ClientSecretBasic(rs.client_secret!), token, insecure),
  )
}

describe('oauth4webapi v3 against the compiled binary (GitLab paths via discovery)', () => {
  test(
    'RFC 8414 §3 + OIDC Discovery §4: ' + 'processDiscoveryResponse accepts the metadata for the expected issuer',
    async () => {
      const as = await discover()
      expect(as.issuer).toBe(lk.url)
      expect(as.authorization_response_iss_parameter_supported).toBe(true)
      expect(as.jwks_uri).toBe(`${lk.url}/oauth/discovery/keys`)
      const oauthMeta = new URL(lk.url)
      const viaRfc8414 = await oauth.processDiscoveryResponse(
        oauthMeta,
        await oauth.discoveryRequest(oauthMeta, { algorithm: 'oauth2', ...insecure }),
      )
      expect(viaRfc8414.token_endpoint).toBe(as.token_endpoint)
    },
  )

  test(
    'RFC 7636 §4 + RFC 9207 §2.4 + OIDC Core §3.1.3.7: ' +
      'code + PKCE with client_secret_post; iss, state, nonce and the ID token are validated',
    async () => {
      const as = await discover()
      const { tokens, claims, callback, nonce } = await signIn(as, rp, RP_URI)
      expect(callback.searchParams.get('iss')).toBe(lk.url)
      expect(tokens).toMatchObject({ token_type: 'bearer', expires_in: 7200, scope: 'openid profile email' })
      expect(tokens.access_token).toStartWith('lkat_')
      expect(claims).toMatchObject({ iss: lk.url, sub: aliceId, aud: rp.client_id, azp: rp.client_id, nonce })
    },
  )

  test('RFC 9207 §2.4: validateAuthResponse rejects the callback when checked against another issuer', async () => {
    const as = await discover()
    const state = oauth.generateRandomState()
    const query = {
      client_id: rp.client_id,
      response_type: 'code',
      redirect_uri: RP_URI,
      scope: 'openid',
      state,
      code_challenge: await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier()),
      code_challenge_method: 'S256',
    }
    const callback = await new Browser(lk.url).authorize(query)
    expect(() => oauth.validateAuthResponse(as, { client_id: rp.client_id }, callback, state)).not.toThrow()
    expect(() =>
      oauth.validateAuthResponse(
        { ...as, issuer: 'https://mix-up.example' },
        { client_id: rp.client_id },
        callback,
        state,
      ),
    ).toThrow()
  })

  test('OIDC Core §5.3: userinfo sub equals the ID token sub', async () => {
    const as = await discover()
    const { c, tokens, claims } = await signIn(as, rp, RP_URI)
    const info = await oauth.processUserInfoResponse(
      as,
      c,
      claims.sub,
      await oauth.userInfoRequest(as, c, tokens.access_token, insecure),
    )
    expect(info).toMatchObject({ sub: aliceId, email: 'alice@example.com', preferred_username: 'alice' })
  })

  test('RFC 6749 §6 + RFC 9700 §4.14.2: refresh rotates; the old token then fails with invalid_grant', async () => {
    const as = await discover()
    const { c, tokens } = await signIn(as, rp, RP_URI)
    const next = await oauth.processRefreshTokenResponse(
      as,
      c,
      await oauth.refreshTokenGrantRequest(as, c, auth(rp), tokens.refresh_token!, insecure),
    )
    expect(next.refresh_token).toStartWith('lkrt_')
    expect(next.refresh_token).not.toBe(tokens.refresh_token)
    expect(next.access_token).not.toBe(tokens.access_token)
    expect(await introspectAsRs(as, tokens.access_token)).toEqual({ active: false })
    const replay = await oauth.refreshTokenGrantRequest(as, c, auth(rp), tokens.refresh_token!, insecure)
    expect(replay.status).toBe(400)
    const error = await oauth.processRefreshTokenResponse(as, c, replay).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(oauth.ResponseBodyError)
    expect(error).toMatchObject({ error: 'invalid_grant' })
  })

  test(
    'RFC 7662 §2.2 + RFC 7009 §2.2: ' +
      'a live token introspects active for a resource server, and inactive after revocation',
    async () => {
      const as = await discover()
      const { c, tokens } = await signIn(as, rp, RP_URI)
      expect(await introspectAsRs(as, tokens.access_token)).toMatchObject({
        active: true,
        client_id: rp.client_id,
        sub: aliceId,
        scope: 'openid profile email',
      })
      await oauth.processRevocationResponse(
        await oauth.revocationRequest(as, c, auth(rp), tokens.access_token, insecure),
      )
      expect(await introspectAsRs(as, tokens.access_token)).toEqual({ active: false })
    },
  )

  test("RFC 7662 §2.1: a client without --introspect sees its own token but not another client's", async () => {
    const as = await discover()
    const mine = await signIn(as, rp, RP_URI)
    const other = await signIn(as, native, NATIVE_URI, 'openid')
    const introspect = async (token: string) =>
      oauth.processIntrospectionResponse(
        as,
        mine.c,
        await oauth.introspectionRequest(as, mine.c, auth(rp), token, insecure),
      )
    expect(await introspect(mine.tokens.access_token)).toMatchObject({ active: true })
    expect(await introspect(other.tokens.access_token)).toEqual({ active: false })
  })

  test(
    'RFC 7636 + RFC 8252 §7.3: ' +
      'a public client with token_endpoint_auth_method none completes code + PKCE and refresh',
    async () => {
      const as = await discover()
      const { c, tokens, claims } = await signIn(as, native, NATIVE_URI, 'openid')
      expect(claims).toMatchObject({ sub: aliceId, aud: native.client_id })
      const next = await oauth.processRefreshTokenResponse(
        as,
        c,
        await oauth.refreshTokenGrantRequest(as, c, oauth.None(), tokens.refresh_token!, insecure),
      )
      expect(await introspectAsRs(as, next.access_token)).toMatchObject({
        active: true,
        client_id: native.client_id,
        scope: 'openid',
      })
    },
  )
})

describe('oauth4webapi v3 against the compiled binary (Gitea paths, AuthorizationServer built by hand)', () => {
  test(
    'Gitea seed: /login/oauth/authorize, /login/oauth/access_token, ' +
      '/login/oauth/userinfo and /login/oauth/keys run a full OIDC flow',
    async () => {
      const as: oauth.AuthorizationServer = {
        issuer: lk.url,
        authorization_endpoint: `${lk.url}/login/oauth/authorize`,
        token_endpoint: `${lk.url}/login/oauth/access_token`,
        userinfo_endpoint: `${lk.url}/login/oauth/userinfo`,
        jwks_uri: `${lk.url}/login/oauth/keys`,
        authorization_response_iss_parameter_supported: true,
      }
      const { c, tokens, claims, nonce } = await signIn(as, rp, RP_URI)
      expect(claims).toMatchObject({ iss: lk.url, sub: aliceId, aud: rp.client_id, nonce })
      const info = await oauth.processUserInfoResponse(
        as,
        c,
        claims.sub,
        await oauth.userInfoRequest(as, c, tokens.access_token, insecure),
      )
      expect(info.sub).toBe(aliceId)
      const next = await oauth.processRefreshTokenResponse(
        as,
        c,
        await oauth.refreshTokenGrantRequest(
          as,
          c,
          oauth.ClientSecretBasic(rp.client_secret!),
          tokens.refresh_token!,
          insecure,
        ),
      )
      expect(next.refresh_token).not.toBe(tokens.refresh_token)
      const keys = (await (await fetch(as.jwks_uri!)).json()) as { keys: { kid: string }[] }
      const gitlabKeys = (await (await fetch(`${lk.url}/oauth/discovery/keys`)).json()) as { keys: { kid: string }[] }
      expect(keys.keys.length).toBeGreaterThan(0)
      expect(keys).toEqual(gitlabKeys)
    },
  )
})
