/**
 * Issue 18: panva's openid-client (v6) registers itself with the compiled binary by RFC 7591 dynamic
 * client registration, using an initial access token made with `latchkey registration-token create`,
 * then runs an authorization-code + PKCE flow with the client it registered. The library, not our
 * helpers, reads discovery, sends the registration and checks the authorization response and ID token.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import * as client from 'openid-client'
import { startBinary, type RunningBinary } from '../helpers/binary.ts'
import { Browser } from '../helpers/browser.ts'
import { PASSWORD } from '../helpers/fixtures.ts'

const NATIVE_URI = 'http://127.0.0.1/cb'
const insecure = { execute: [client.allowInsecureRequests] }

let lk: RunningBinary
beforeAll(async () => {
  lk = await startBinary({ args: ['--registration-policy', 'token'] })
  const alice = await lk.run(['user', 'create', '--username', 'alice', '--password-stdin', '--json'], PASSWORD + '\n')
  expect(alice.code).toBe(0)
})
afterAll(async () => {
  await lk?.[Symbol.asyncDispose]()
})

async function signIn(config: client.Configuration) {
  const verifier = client.randomPKCECodeVerifier()
  const state = client.randomState()
  const nonce = client.randomNonce()
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: NATIVE_URI,
    scope: 'openid profile',
    state,
    nonce,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  })
  const callback = await new Browser(lk.url).authorize(Object.fromEntries(url.searchParams), { path: url.pathname })
  return client.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: verifier,
    expectedState: state,
    expectedNonce: nonce,
    idTokenExpected: true,
  })
}

test('RFC 7591 §3 with openid-client: registration with an initial access token, then code + PKCE', async () => {
  const made = await lk.run([
    'registration-token',
    'create',
    '--expires-in',
    '1h',
    '--scopes',
    'openid profile',
    '--json',
  ])
  expect(made.code).toBe(0)
  const initialAccessToken = made.json().token as string
  expect(initialAccessToken).toStartWith('lkiat_')

  const config = await client.dynamicClientRegistration(
    new URL(lk.url),
    {
      client_name: 'openid-client interop',
      redirect_uris: [NATIVE_URI],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      scope: 'openid profile',
    },
    client.None(),
    { ...insecure, initialAccessToken },
  )
  const metadata = config.clientMetadata()
  expect(metadata.client_id).toStartWith('lkc_')
  expect(metadata.registration_access_token).toStartWith('lkrat_')
  expect(metadata.token_endpoint_auth_method).toBe('none')

  const tokens = await signIn(config)
  expect(tokens.access_token).toStartWith('lkat_')
  expect(tokens.claims()?.aud).toBe(metadata.client_id)
  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!)
  expect(refreshed.access_token).not.toBe(tokens.access_token)

  // The token was for one registration: a second one with it is refused (RFC 7591 §3, RFC 6750 §3.1).
  const again = client.dynamicClientRegistration(
    new URL(lk.url),
    { redirect_uris: [NATIVE_URI], token_endpoint_auth_method: 'none' },
    client.None(),
    { ...insecure, initialAccessToken },
  )
  await expect(again).rejects.toThrow()
  const listed = await lk.run(['registration-token', 'list', '--json'])
  expect(listed.json()[0]).toMatchObject({ use_count: 1, max_uses: 1, state: 'used' })
  expect(listed.stdout).not.toContain(initialAccessToken)
})
