/**
 * Issue 14 §5: protocol details that clients nobody on the team wrote (libiddawc, Node's keep-alive
 * http client, browsers) trip over. Each test names the RFC or spec section it holds Latchkey to.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { decodeJwt } from 'jose'
import http from 'node:http'
import { connect } from 'node:net'
import { generateSigningKey, importPrivateKey, signJwt } from '../../src/crypto/jose.ts'
import { DEVICE_CODE_GRANT } from '../../src/services/applications/applications.ts'
import { Browser, formFields } from '../helpers/browser.ts'
import { PASSWORD, type Client } from '../helpers/fixtures.ts'
import { basic, pkcePair, postForm } from '../helpers/oauth.ts'
import { DIALECTS, getCode, location, rawAuthorize, setup, tokensFor, type Env } from '../helpers/flows.ts'

let env: Env
beforeAll(async () => {
  env = await setup({ socket: true }) // raw TCP and node:http with Connection: close need a listener
})
afterAll(async () => {
  await env.server[Symbol.asyncDispose]()
})

describe('RFC 6749 §3.1: a parameter sent without a value is treated as omitted', () => {
  test('nonce= (as some clients send when they have none) → a code, and an ID token without nonce', async () => {
    const tokens = await tokensFor(env, env.f.C1, { scope: 'openid', extra: { nonce: '' } })
    expect(decodeJwt(tokens.id_token!)).not.toHaveProperty('nonce')
  })

  test('state= → the redirect carries no state; prompt= and max_age= are no prompt and no max_age', async () => {
    const { redirect } = await getCode(env, env.f.C1, {
      scope: 'openid',
      extra: { state: '', prompt: '', max_age: '' },
    })
    expect(redirect.searchParams.has('state')).toBe(false)
    expect(redirect.searchParams.get('code')).toBeString()
  })

  test('a public client sending client_secret= at the token endpoint is public (no client_secret_post)', async () => {
    const { code, verifier } = await getCode(env, env.f.P1, { scope: 'openid' })
    const res = await fetch(env.server.url + '/oauth/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: env.f.P1.redirectUri,
        code_verifier: verifier!,
        client_id: env.f.P1.clientId,
        client_secret: '',
      }),
    })
    expect(res.status).toBe(200)
  })
})

describe.each(DIALECTS)('RFC 6749 §3.2: a JSON token request with a repeated key ($name)', (dialect) => {
  test('is refused with 400 invalid_request like a repeated form parameter, not read as its last value', async () => {
    const { code, verifier } = await getCode(env, env.f.C1, { dialect, scope: 'openid' })
    const body =
      `{"grant_type":"authorization_code","code":"lkac_forged","code":${JSON.stringify(code)}` +
      `,"redirect_uri":${JSON.stringify(env.f.C1.redirectUri)}` +
      `,"code_verifier":${JSON.stringify(verifier)}}`
    const res = await fetch(env.server.url + dialect.token, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: basic(env.f.C1.clientId, env.f.C1.secret!) },
      body,
    })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ error: 'invalid_request', error_description: 'parameter code is repeated' })
  })
})

describe('RFC 9112 §9.6: Connection: close is answered with Connection: close', () => {
  /** One raw HTTP/1.1 exchange on a fresh socket: everything the server sent before closing. */
  function rawExchange(head: string): Promise<string> {
    const url = new URL(env.server.url)
    return new Promise((resolve, reject) => {
      let out = ''
      const socket = connect(Number(url.port), url.hostname, () => socket.write(head))
      socket.on('data', (d) => (out += d.toString()))
      socket.on('close', () => resolve(out))
      socket.on('error', reject)
    })
  }

  test.each([
    ['GET /.well-known/openid-configuration', 'close'],
    ['GET /no-such-path', 'close'],
    ['GET /healthz', 'Keep-Alive, Close'],
  ])('%s with Connection: %s → the response header says close', async (line, connection) => {
    const response = await rawExchange(`${line} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: ${connection}\r\n\r\n`)
    const head = response.split('\r\n\r\n')[0]!.split('\r\n')
    expect(head[0]).toMatch(/^HTTP\/1\.1 \d{3} /)
    expect(head.map((h) => h.toLowerCase())).toContain('connection: close')
  })

  test('a request without Connection: close is not told to close', async () => {
    const res = await fetch(env.server.url + '/healthz')
    expect(res.headers.get('connection')).not.toBe('close')
  })

  test(
    "Node's keep-alive agent sending Connection: close " + 'gets every answer (no "socket hang up" on the second)',
    async () => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
      const get = () =>
        new Promise<number>((resolve, reject) => {
          const req = http.request(
            env.server.url + '/.well-known/openid-configuration',
            { agent, headers: { Connection: 'close' } },
            (res) => {
              res.resume()
              res.on('end', () => resolve(res.statusCode!))
            },
          )
          req.on('error', reject)
          req.end()
        })
      try {
        for (let i = 0; i < 3; i++) expect(await get()).toBe(200)
      } finally {
        agent.destroy()
      }
    },
  )
})

describe('OIDC Core §3.1.2.1, §3.1.2.2: id_token_hint', () => {
  const query = (client: Client, extra: Record<string, string>) => ({
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: client.redirectUri,
    scope: 'openid',
    state: 'st',
    code_challenge: pkcePair().challenge,
    code_challenge_method: 'S256',
    ...extra,
  })

  /** An ID token signed by Latchkey's own active key, with the claims given (an expired one, another issuer...). */
  async function mint(
    claims: Record<string, unknown>,
    key?: { kid: string; sign: (c: Record<string, unknown>, kid: string) => Promise<string> },
  ): Promise<string> {
    const now = Math.floor(Date.now() / 1000)
    const payload = {
      iss: env.server.config.issuer,
      aud: env.f.C1.clientId,
      sub: env.f.alice.id,
      iat: now,
      exp: now + 600,
      ...claims,
    }
    const active = await env.server.provider.services.signingKeys.active('RS256')
    if (key) return key.sign(payload, active.kid)
    return signJwt(payload, active.key, { alg: 'RS256', kid: active.kid, typ: 'JWT' })
  }

  /** Alice is signed in in env.browser; returns her real ID token from C1. */
  async function aliceSignedIn(): Promise<string> {
    return (await tokensFor(env, env.f.C1, { scope: 'openid' })).id_token!
  }

  async function answer(extra: Record<string, string>, browser: Browser = env.browser): Promise<URL> {
    return location(await rawAuthorize(env, query(env.f.C1, extra), { browser }), env.server.url)
  }

  test('prompt=none with a hint naming the signed-in user → a code without any page', async () => {
    const hint = await aliceSignedIn()
    const url = await answer({ prompt: 'none', id_token_hint: hint })
    expect(url.origin + url.pathname).toBe(env.f.C1.redirectUri)
    expect(url.searchParams.get('code')).toStartWith('lkac_')
  })

  test(
    '§3.1.2.2: ' + 'prompt=none with a hint naming another user than the one signed in → login_required, no code',
    async () => {
      await aliceSignedIn()
      const bobsHint = (
        await tokensFor(env, env.f.C1, { scope: 'openid', browser: new Browser(env.server.url), username: 'bob' })
      ).id_token!
      const url = await answer({ prompt: 'none', id_token_hint: bobsHint })
      expect(url.origin + url.pathname).toBe(env.f.C1.redirectUri)
      expect(url.searchParams.get('error')).toBe('login_required')
      expect(url.searchParams.get('state')).toBe('st')
      expect(url.searchParams.get('iss')).toBe(env.server.config.issuer)
      expect(url.searchParams.get('code')).toBeNull()
    },
  )

  test('§3.1.2.1 "need not be unexpired": an expired hint naming the signed-in user is honoured', async () => {
    await aliceSignedIn()
    const url = await answer({ prompt: 'none', id_token_hint: await mint({ iat: 1_000_000_000, exp: 1_000_003_600 }) })
    expect(url.searchParams.get('code')).toStartWith('lkac_')
  })

  test.each([
    ['not a JWT', async () => 'not-a-jwt'],
    [
      'another signature (a key Latchkey never had, under its kid)',
      async () => {
        const foreign = await generateSigningKey('RS256')
        const key = await importPrivateKey(foreign.privateJwk, 'RS256')
        return mint({}, { kid: foreign.kid, sign: (c, kid) => signJwt(c, key, { alg: 'RS256', kid, typ: 'JWT' }) })
      },
    ],
    [
      'a tampered payload',
      async () => {
        const [h, , sig] = (await mint({})).split('.')
        const claims = { iss: env.server.config.issuer, aud: env.f.C1.clientId, sub: env.f.bob.id }
        return `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${sig}`
      },
    ],
    ['another issuer', async () => mint({ iss: 'https://elsewhere.example' })],
    ['another client as audience', async () => mint({ aud: env.f.C2.clientId })],
    [
      'alg none',
      async () => {
        const claims = { iss: env.server.config.issuer, aud: env.f.C1.clientId, sub: env.f.alice.id }
        const header = Buffer.from('{"alg":"none"}').toString('base64url')
        return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`
      },
    ],
  ])('a hint that does not verify (%s) → invalid_request, no code, with or without prompt=none', async (_, hint) => {
    await aliceSignedIn()
    const value = await hint()
    for (const extra of [{ prompt: 'none' }, {}] as Array<Record<string, string>>) {
      const url = await answer({ ...extra, id_token_hint: value })
      expect(url.origin + url.pathname).toBe(env.f.C1.redirectUri)
      expect(url.searchParams.get('error')).toBe('invalid_request')
      expect(url.searchParams.get('code')).toBeNull()
    }
  })

  test(
    'without prompt=none, a hint naming another user sends the browser to sign in again; ' +
      'the hint is not carried past that login',
    async () => {
      await aliceSignedIn()
      const url = await answer({ id_token_hint: await mint({ sub: env.f.bob.id }) })
      expect(url.pathname).toBe('/login')
      const returnTo = new URL(url.searchParams.get('return_to')!, env.server.url)
      expect(returnTo.pathname).toBe('/oauth/authorize')
      expect(returnTo.searchParams.has('id_token_hint')).toBe(false)
      expect(returnTo.searchParams.get('client_id')).toBe(env.f.C1.clientId)
    },
  )

  test('without a session, prompt=none with a valid hint → login_required', async () => {
    const url = await answer({ prompt: 'none', id_token_hint: await mint({}) }, new Browser(env.server.url))
    expect(url.searchParams.get('error')).toBe('login_required')
  })
})

describe(
  'issue 14 §5, RFC 6749 §10.12: ' + "form posts that act for a signed-in browser come from Latchkey's own pages",
  () => {
    const FORM = 'application/x-www-form-urlencoded'
    let users = 0
    async function newBrowser(): Promise<{ browser: Browser; username: string }> {
      const username = `orly${++users}`
      await env.server.provider.services.users.create({ username, password: PASSWORD })
      const browser = new Browser(env.server.url)
      expect((await browser.login(username)).status).toBe(303)
      return { browser, username }
    }

    /** The consent form for C2, as Latchkey rendered it for this browser (CSRF token included). */
    async function consentForm(browser: Browser): Promise<Record<string, string>> {
      const res = await rawAuthorize(
        env,
        {
          response_type: 'code',
          client_id: env.f.C2.clientId,
          redirect_uri: env.f.C2.redirectUri,
          scope: 'openid',
          state: 'st',
        },
        { browser },
      )
      const page = await res.text()
      expect(page).toContain('/oauth/authorize/decision')
      return { ...formFields(page), decision: 'approve' }
    }

    /** Has this browser's user approved C2? Asked the way a client would: prompt=none. */
    async function approvedC2(browser: Browser): Promise<boolean> {
      const res = await rawAuthorize(
        env,
        {
          response_type: 'code',
          client_id: env.f.C2.clientId,
          redirect_uri: env.f.C2.redirectUri,
          scope: 'openid',
          prompt: 'none',
        },
        { browser },
      )
      return location(res, env.server.url).searchParams.has('code')
    }

    const CROSS_SITE: Array<[string, Record<string, string>]> = [
      ['Origin of another site', { Origin: 'https://evil.example' }],
      ['Origin: null (sandboxed frame, data: URL)', { Origin: 'null' }],
      ['Origin of another port on the same host', { Origin: 'http://127.0.0.1:1' }],
      ['Sec-Fetch-Site: cross-site without Origin', { 'Sec-Fetch-Site': 'cross-site' }],
      ['Sec-Fetch-Site: same-site (a sibling subdomain)', { 'Sec-Fetch-Site': 'same-site' }],
    ]

    test.each(CROSS_SITE)(
      'consent approval with %s and a valid CSRF token → 403, no code, nothing granted',
      async (_, headers) => {
        const { browser } = await newBrowser()
        const fields = await consentForm(browser)
        const res = await browser.request('/oauth/authorize/decision', {
          method: 'POST',
          body: new URLSearchParams(fields),
          headers: { 'Content-Type': FORM, ...headers },
        })
        expect(res.status).toBe(403)
        expect(res.headers.get('location')).toBeNull()
        expect(await approvedC2(browser)).toBe(false)
      },
    )

    test.each([
      ['no Origin and no Sec-Fetch-Site (non-browser clients, old browsers)', () => ({})],
      [
        'Origin equal to the issuer and Sec-Fetch-Site: same-origin',
        () => ({ Origin: env.server.config.issuer, 'Sec-Fetch-Site': 'same-origin' }),
      ],
      [
        // Issue 17, seen in Chromium: our pages are Referrer-Policy: no-referrer, under which a browser's
        // same-origin form POST says Origin: null; Fetch Metadata, set by the browser alone, decides.
        'Origin: null and Sec-Fetch-Site: same-origin (Chromium posting from a no-referrer page)',
        () => ({ Origin: 'null', 'Sec-Fetch-Site': 'same-origin' }),
      ],
    ] as Array<[string, () => Record<string, string>]>)('consent approval with %s → a code', async (_, headers) => {
      const { browser } = await newBrowser()
      const fields = await consentForm(browser)
      const res = await browser.request('/oauth/authorize/decision', {
        method: 'POST',
        body: new URLSearchParams(fields),
        headers: { 'Content-Type': FORM, ...headers() },
      })
      expect(location(res, env.server.url).searchParams.get('code')).toStartWith('lkac_')
    })

    test(
      "consent approval with Origin equal to the request's own origin " +
        "(a host name other than the issuer's) → a code",
      async () => {
        const { browser } = await newBrowser()
        const fields = await consentForm(browser)
        const own = env.server.url.replace('127.0.0.1', 'localhost')
        const cookie = [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
        const res = await env.server.provider.app.fetch(
          new Request(`${own}/oauth/authorize/decision`, {
            method: 'POST',
            body: new URLSearchParams(fields),
            headers: { 'Content-Type': FORM, Cookie: cookie, Origin: own, 'Sec-Fetch-Site': 'same-origin' },
          }),
        )
        expect(location(res, env.server.url).searchParams.get('code')).toStartWith('lkac_')
      },
    )

    test.each(CROSS_SITE)(
      'device approval with %s and a valid CSRF token → 403, the device keeps waiting',
      async (_, headers) => {
        const { application } = await env.server.provider.services.applications.create({
          name: `Device ${users}`,
          isPublic: true,
          grantTypes: [DEVICE_CODE_GRANT],
          scopes: ['openid'],
        })
        const device: Client = { clientId: application.clientId, secret: null, redirectUri: '' }
        const start = (await (
          await postForm(env.server.url, '/oauth/authorize_device', device, { scope: 'openid' })
        ).json()) as { device_code: string; user_code: string }
        const { browser } = await newBrowser()
        const entry = formFields(await (await browser.get('/oauth/device')).text())
        const refusedEntry = await browser.request('/oauth/device', {
          method: 'POST',
          body: new URLSearchParams({ ...entry, user_code: start.user_code }),
          headers: { 'Content-Type': FORM, ...headers },
        })
        expect(refusedEntry.status).toBe(403)
        const confirm = formFields(
          await (await browser.post('/oauth/device', { ...entry, user_code: start.user_code })).text(),
        )
        const res = await browser.request('/oauth/device/decision', {
          method: 'POST',
          body: new URLSearchParams({ ...confirm, decision: 'approve' }),
          headers: { 'Content-Type': FORM, ...headers },
        })
        expect(res.status).toBe(403)
        const poll = await postForm(env.server.url, '/oauth/token', device, {
          grant_type: DEVICE_CODE_GRANT,
          device_code: start.device_code,
        })
        expect(((await poll.json()) as { error?: string }).error).toBe('authorization_pending')
        // The same confirmation, sent from Latchkey's page, goes through.
        expect(
          (
            await browser.request('/oauth/device/decision', {
              method: 'POST',
              body: new URLSearchParams({ ...confirm, decision: 'approve' }),
              headers: { 'Content-Type': FORM, Origin: env.server.config.issuer },
            })
          ).status,
        ).toBe(200)
      },
    )

    test('login CSRF: a sign-in form from another site → 403, no session, even with a valid form token', async () => {
      const browser = new Browser(env.server.url)
      const fields = formFields(await (await browser.get('/login')).text())
      const res = await browser.request('/login', {
        method: 'POST',
        body: new URLSearchParams({ ...fields, username: 'alice', password: PASSWORD }),
        headers: { 'Content-Type': FORM, Origin: 'https://evil.example' },
      })
      expect(res.status).toBe(403)
      expect(res.headers.getSetCookie().join()).not.toContain('latchkey_session=')
    })

    test('revoking an application on /account/applications from another site → 403, the grant stays', async () => {
      const { browser } = await newBrowser()
      const fields = await consentForm(browser)
      await browser.post('/oauth/authorize/decision', fields)
      expect(await approvedC2(browser)).toBe(true)
      const page = await (await browser.get('/account/applications')).text()
      const grantId = /name="grant_id" value="([^"]+)"/.exec(page)![1]!
      const res = await browser.request('/account/applications/revoke', {
        method: 'POST',
        body: new URLSearchParams({ ...formFields(page), grant_id: grantId }),
        headers: { 'Content-Type': FORM, 'Sec-Fetch-Site': 'cross-site', Origin: 'https://evil.example' },
      })
      expect(res.status).toBe(403)
      expect(await approvedC2(browser)).toBe(true)
    })
  },
)
