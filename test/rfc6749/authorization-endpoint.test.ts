/**
 * Security cases A (docs/security.md): the authorization endpoint
 * (GET|POST /oauth/authorize and /login/oauth/authorize).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { Browser, formFields } from '../helpers/browser.ts'
import { PASSWORD, P1_URI, R1, R1B } from '../helpers/fixtures.ts'
import { pkcePair } from '../helpers/oauth.ts'
import {
  DIALECTS,
  exchange,
  expectErrorPage,
  getCode,
  location,
  rawAuthorize,
  setup,
  type Env,
} from '../helpers/flows.ts'

let env: Env
beforeAll(async () => {
  env = await setup()
})
afterAll(async () => {
  await env.server[Symbol.asyncDispose]()
})

const codeQuery = (clientId: string, redirectUri: string, extra: Record<string, string> = {}) => ({
  response_type: 'code',
  client_id: clientId,
  redirect_uri: redirectUri,
  scope: 'openid',
  state: 's',
  ...extra,
})

/** ER(x): a redirect to the registered URI with error=x, the original state and iss. */
function expectErrorRedirect(res: Response, redirectUri: string, error: string, state = 's'): URL {
  const url = location(res, env.server.url)
  expect(url.origin + url.pathname).toBe(redirectUri)
  expect(url.searchParams.get('error')).toBe(error)
  expect(url.searchParams.get('state')).toBe(state)
  expect(url.searchParams.get('iss')).toBe(env.server.config.issuer)
  expect(url.searchParams.get('code')).toBeNull()
  return url
}

describe.each(DIALECTS)('A. authorization endpoint ($name)', (dialect) => {
  test(
    'A.1 RFC 6749 §4.1.2.1, §3.1.2.4; RFC 9700 §4.11.2: unregistered redirect_uri → error ' +
      'page, no redirect, even when signed in',
    async () => {
      const query = codeQuery(env.f.C1.clientId, 'https://evil.example/cb')
      await expectErrorPage(await rawAuthorize(env, query, { path: dialect.authorize }))
      const browser = new Browser(env.server.url)
      await browser.login()
      const page = await expectErrorPage(await rawAuthorize(env, query, { path: dialect.authorize, browser }))
      expect(page).not.toContain('evil.example/cb?')
    },
  )

  test('A.2 OIDC Core §3.1.2.1: two registered URIs, scope=openid and no redirect_uri → error page', async () => {
    const { redirect_uri: _, ...query } = codeQuery(env.f.C1.clientId, R1)
    await expectErrorPage(await rawAuthorize(env, query, { path: dialect.authorize }))
  })

  test.each([
    `${R1}?foo=bar`,
    'https://c1.example/cb/x',
    'https://c1.example/cbx',
    'https://c1.example.evil.example/cb',
    'https://c1.example@evil.example/cb',
    'https://a@b@evil.example/cb',
    'HTTPS://C1.EXAMPLE/cb',
    'https://c1.example:443/cb',
    'https://c1.example/cb/',
    'https://c1.example/%63b',
  ])('A.3 RFC 9700 §2.1, §4.1.3 (exact string match): redirect_uri %p → error page', async (uri) => {
    await expectErrorPage(await rawAuthorize(env, codeQuery(env.f.C1.clientId, uri), { path: dialect.authorize }))
  })

  test(
    'A.4 RFC 8252 §7.3: public loopback client, registered http://127.0.0.1/cb, any port → ' +
      'accepted and redeemable',
    async () => {
      const redirectUri = 'http://127.0.0.1:53219/cb'
      const { code, verifier, redirect } = await getCode(env, env.f.P1, { dialect, scope: 'openid', redirectUri })
      expect(redirect.origin + redirect.pathname).toBe(redirectUri)
      const res = await exchange(env, env.f.P1, code, verifier, { dialect, redirectUri })
      expect(res.status).toBe(200)
    },
  )

  test.each([
    'http://127.0.0.1:53219/cb?x=1',
    'http://127.0.0.1:53219/cb2',
    'http://localhost:53219/cb',
    'http://localhost/cb',
    'http://127.0.0.1:80@evil.example/cb',
    'http://127.0.0.1:53219@evil.example/cb',
    'http://[::1]:53219/cb',
    'https://127.0.0.1:53219/cb',
    'http://127.0.0.1.evil.example:53219/cb',
  ])(
    'A.4 RFC 8252 §8.3, §8.4; fosite CVE-2020-15233; Keycloak CVE-2024-8883: loopback variant %p → error page',
    async (uri) => {
      const { challenge } = pkcePair()
      const query = codeQuery(env.f.P1.clientId, uri, { code_challenge: challenge, code_challenge_method: 'S256' })
      await expectErrorPage(await rawAuthorize(env, query, { path: dialect.authorize }))
    },
  )

  test('A.4 RFC 8252 §7.3: any port is for public clients only: C1 on another port → error page', async () => {
    await expectErrorPage(
      await rawAuthorize(env, codeQuery(env.f.C1.clientId, 'https://c1.example:8443/cb'), {
        path: dialect.authorize,
      }),
    )
  })

  test('A.5 RFC 6749 §4.1.2.1: unknown or missing client_id → the same error page, never a redirect', async () => {
    const unknown = await expectErrorPage(
      await rawAuthorize(env, codeQuery('lkc_unknown', R1), { path: dialect.authorize }),
    )
    const { client_id: _, ...withoutClient } = codeQuery('x', R1)
    const missing = await expectErrorPage(await rawAuthorize(env, withoutClient, { path: dialect.authorize }))
    expect(missing).toBe(unknown)
  })

  test('A.6 RFC 6749 §4.1.2.1; oidcc-response-type-missing: no response_type → ER(invalid_request)', async () => {
    const { response_type: _, ...query } = codeQuery(env.f.C1.clientId, R1)
    expectErrorRedirect(await rawAuthorize(env, query, { path: dialect.authorize }), R1, 'invalid_request')
  })

  test.each(['token', 'id_token token', 'code token', 'code id_token', 'none'])(
    'A.6 RFC 9700 §2.1.2: response_type=%p → ER(unsupported_response_type)',
    async (responseType) => {
      const res = await rawAuthorize(env, codeQuery(env.f.C1.clientId, R1, { response_type: responseType }), {
        path: dialect.authorize,
      })
      const url = expectErrorRedirect(res, R1, 'unsupported_response_type')
      expect(url.hash).toBe('')
    },
  )

  test.each(['nope', 'openid admin', 'openid api', 'openid "bad"'])(
    "A.6 RFC 6749 §3.3: scope %p (unknown or outside C1's set) → ER(invalid_scope)",
    async (scope) => {
      expectErrorRedirect(
        await rawAuthorize(env, codeQuery(env.f.C1.clientId, R1B, { scope }), { path: dialect.authorize }),
        R1B,
        'invalid_scope',
      )
    },
  )

  test(
    'A.7 RFC 6749 §4.1.2, RFC 9207 §2: a 128-char state with -._~+ and space is echoed ' +
      'byte-exact on success and error, always with iss',
    async () => {
      const state = 'aZ09-._~+ '.repeat(13).slice(0, 128)
      expect(state.length).toBe(128)
      const { redirect } = await getCode(env, env.f.C1, { dialect, extra: { state } })
      expect(redirect.searchParams.get('state')).toBe(state)
      expect(redirect.searchParams.get('iss')).toBe(env.server.config.issuer)
      const error = await rawAuthorize(env, codeQuery(env.f.C1.clientId, R1, { state, scope: 'nope' }), {
        path: dialect.authorize,
      })
      expectErrorRedirect(error, R1, 'invalid_scope', state)
      const denied = await env.browser.authorize(codeQuery(env.f.C1.clientId, R1, { state, prompt: 'consent' }), {
        path: dialect.authorize,
        decision: 'deny',
      })
      expect(denied.searchParams.get('state')).toBe(state)
      expect(denied.searchParams.get('iss')).toBe(env.server.config.issuer)
    },
  )

  test(
    'A.8 OIDC Core §3.1.2.1: POST with a form body behaves like GET (code on success, error ' +
      'page on a bad redirect_uri)',
    async () => {
      await getCode(env, env.f.C1, { dialect, scope: 'openid' }) // signs alice in and records consent
      const form = { ...codeQuery(env.f.C1.clientId, R1, { state: 'posted' }) }
      const ok = location(await env.browser.post(dialect.authorize, form), env.server.url)
      expect(ok.origin + ok.pathname).toBe(R1)
      expect(ok.searchParams.get('code')).toStartWith('lkac_')
      expect(ok.searchParams.get('state')).toBe('posted')
      expect(ok.searchParams.get('iss')).toBe(env.server.config.issuer)
      await expectErrorPage(
        await env.browser.post(dialect.authorize, { ...form, redirect_uri: 'https://evil.example/cb' }),
      )
      const err = await env.browser.post(dialect.authorize, { ...form, scope: 'nope' })
      expectErrorRedirect(err, R1, 'invalid_scope', 'posted')
    },
  )

  test('A.9 RFC 9700 §2.6: foreign Origin at OPTIONS/GET /authorize → no Access-Control-Allow-Origin', async () => {
    const url = `${env.server.url}${dialect.authorize}?${new URLSearchParams(codeQuery(env.f.C1.clientId, R1))}`
    const pre = await fetch(url, {
      method: 'OPTIONS',
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'GET' },
    })
    expect(pre.headers.get('access-control-allow-origin')).toBeNull()
    expect(pre.status).toBeGreaterThanOrEqual(400)
    const get = await fetch(url, { headers: { Origin: 'https://evil.example' }, redirect: 'manual' })
    expect(get.headers.get('access-control-allow-origin')).toBeNull()
  })

  test('A.9 RFC 9700 §4.12: the redirects after the login and consent POSTs are 303, never 307/308', async () => {
    const browser = new Browser(env.server.url)
    const query = new URLSearchParams(codeQuery(env.f.C2.clientId, env.f.C2.redirectUri, { prompt: 'consent' }))
    const first = await browser.get(`${dialect.authorize}?${query}`)
    const loginUrl = location(first, env.server.url)
    const loginPage = await (await browser.get(loginUrl.pathname + loginUrl.search)).text()
    const afterLogin = await browser.post('/login', {
      ...formFields(loginPage),
      username: 'alice',
      password: PASSWORD,
    })
    expect(afterLogin.status).toBe(303)
    const back = location(afterLogin, env.server.url)
    const consent = await browser.get(back.pathname + back.search)
    expect(consent.status).toBe(200)
    const decided = await browser.post('/oauth/authorize/decision', {
      ...formFields(await consent.text()),
      decision: 'approve',
    })
    expect(decided.status).toBe(303)
    expect(location(decided, env.server.url).searchParams.get('code')).toStartWith('lkac_')
  })

  test(
    'A.10 RFC 8252 §8.6; doorkeeper CVE-2023-34246: a public client already approved still ' +
      'gets the consent page; with prompt=none → ER(consent_required)',
    async () => {
      const browser = new Browser(env.server.url)
      await getCode(env, env.f.P1, { dialect, browser, scope: 'openid' })
      const { challenge } = pkcePair()
      const query = codeQuery(env.f.P1.clientId, P1_URI, { code_challenge: challenge, code_challenge_method: 'S256' })
      const again = await rawAuthorize(env, query, { path: dialect.authorize, browser })
      expect(again.status).toBe(200)
      expect(again.headers.get('location')).toBeNull()
      expect(await again.text()).toContain('/oauth/authorize/decision')
      const silent = await rawAuthorize(env, { ...query, prompt: 'none' }, { path: dialect.authorize, browser })
      expectErrorRedirect(silent, P1_URI, 'consent_required')
    },
  )
})
