/**
 * Security cases L (docs/security.md): login, consent and other pages
 * (cases 63–65 and 67; 66, rate limiting, is another suite's).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { decodeJwt } from 'jose'
import { Browser, formFields } from '../helpers/browser.ts'
import { PASSWORD, R1, type Client } from '../helpers/fixtures.ts'
import { pkcePair } from '../helpers/oauth.ts'
import { startServer } from '../helpers/server.ts'
import { DIALECTS, expectErrorPage, location, rawAuthorize, setup, tokensFor, type Env } from '../helpers/flows.ts'

const SESSION = 'latchkey_session'
let env: Env
beforeAll(async () => {
  env = await setup()
})
afterAll(async () => {
  await env.server[Symbol.asyncDispose]()
})

let userCount = 0
async function newUser(): Promise<{ id: string; username: string; browser: Browser }> {
  const username = `lee${++userCount}`
  const user = await env.server.provider.services.users.create({
    username,
    email: `${username}@example.com`,
    password: PASSWORD,
  })
  const browser = new Browser(env.server.url)
  await browser.login(username)
  return { id: user.id, username, browser }
}

function authorizeQuery(client: Client, extra: Record<string, string> = {}): Record<string, string> {
  const { challenge } = pkcePair()
  return {
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: client.redirectUri,
    scope: 'openid',
    state: 'st',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...extra,
  }
}

/** The consent page's HTML for a request, as `browser` sees it. */
async function consentPage(
  browser: Browser,
  query: Record<string, string>,
  path = '/oauth/authorize',
): Promise<{ html: string; res: Response }> {
  const res = await browser.get(`${path}?${new URLSearchParams(query)}`)
  expect(res.status).toBe(200)
  const html = await res.text()
  expect(html).toContain('/oauth/authorize/decision')
  return { html, res }
}

function setCookie(res: Response, name: string): string | undefined {
  return res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`))
}

describe("L.63 consent needs a POST with this session's CSRF token", () => {
  test(
    'RFC 6749 §10.12; doorkeeper CVE-2014-8144: a consent POST with a missing, invalid or ' +
      'other-session CSRF token → 403, no code, no grant',
    async () => {
      const carol = await newUser()
      const mallory = await newUser()
      const query = authorizeQuery(env.f.C2)
      const { html } = await consentPage(carol.browser, query)
      const fields = formFields(html)
      const { csrf_token: carolCsrf, ...withoutCsrf } = fields
      const malloryCsrf = formFields((await consentPage(mallory.browser, query)).html).csrf_token!
      expect(malloryCsrf).not.toBe(carolCsrf)

      const attempts: Array<[Browser, Record<string, string>]> = [
        [carol.browser, { ...withoutCsrf, decision: 'approve' }],
        [carol.browser, { ...withoutCsrf, csrf_token: '', decision: 'approve' }],
        [carol.browser, { ...withoutCsrf, csrf_token: 'A'.repeat(43), decision: 'approve' }],
        [carol.browser, { ...withoutCsrf, csrf_token: malloryCsrf, decision: 'approve' }],
        [new Browser(env.server.url), { ...fields, decision: 'approve' }], // no session cookie at all
      ]
      for (const [browser, form] of attempts) {
        const res = await browser.post('/oauth/authorize/decision', form)
        expect(res.status).toBe(403)
        expect(res.headers.get('location')).toBeNull()
        expect(await res.text()).not.toContain('lkac_')
      }
      expect((await env.server.provider.services.grants.listForUser(carol.id)).length).toBe(0)
      // the genuine form still works, so the refusals above were about the token alone
      const ok = await carol.browser.post('/oauth/authorize/decision', { ...fields, decision: 'approve' })
      expect(location(ok, env.server.url).searchParams.get('code')).toStartWith('lkac_')
    },
  )

  test('RFC 6749 §10.12: GET /oauth/authorize/decision?decision=approve never grants (405, no code)', async () => {
    const dave = await newUser()
    const query = authorizeQuery(env.f.C2)
    const fields = formFields((await consentPage(dave.browser, query)).html)
    const res = await dave.browser.get(
      `/oauth/authorize/decision?${new URLSearchParams({ ...fields, decision: 'approve' })}`,
    )
    expect(res.status).toBe(405)
    expect(res.headers.get('location')).toBeNull()
    expect((await env.server.provider.services.grants.listForUser(dave.id)).length).toBe(0)
  })

  test('RFC 6749 §10.12: the login form needs its CSRF token too (login CSRF)', async () => {
    const browser = new Browser(env.server.url)
    const res = await browser.post('/login', { username: 'alice', password: PASSWORD, return_to: '/' })
    expect(res.status).toBe(403)
    expect(browser.cookies.has(SESSION)).toBe(false)
  })
})

describe('L.64 pages are never framed', () => {
  test(
    'RFC 9700 §4.16; RFC 6749 §10.13; RFC 6819 §4.4.1.9: login, consent, error, logout, home, ' +
      'device and account pages send frame-ancestors and X-Frame-Options: DENY',
    async () => {
      const erin = await newUser()
      const anonymous = new Browser(env.server.url)
      const pages: Array<[string, Response]> = [
        ['login', await anonymous.get('/login')],
        ['consent', (await consentPage(erin.browser, authorizeQuery(env.f.C2))).res],
        [
          'error (unknown client)',
          await rawAuthorize(env, authorizeQuery({ clientId: 'lkc_nope', secret: null, redirectUri: R1 })),
        ],
        ['error (403 CSRF)', await erin.browser.post('/oauth/authorize/decision', { decision: 'approve' })],
        ['logout', await erin.browser.get('/logout')],
        ['home', await anonymous.get('/')],
        ['device', await erin.browser.get('/oauth/device')],
        ['account', await erin.browser.get('/account/applications')],
      ]
      for (const [name, res] of pages) {
        expect({ name, type: res.headers.get('content-type')?.split(';')[0] }).toEqual({ name, type: 'text/html' })
        expect({
          name,
          csp: /frame-ancestors '(none|self)'/.test(res.headers.get('content-security-policy') ?? ''),
        }).toEqual({ name, csp: true })
        expect({ name, xfo: res.headers.get('x-frame-options') }).toEqual({ name, xfo: 'DENY' })
      }
    },
  )
})

describe('L.65 session cookie', () => {
  test('Keycloak GHSA-c9h6-v78w-52wj: the session cookie is HttpOnly, SameSite=Lax|Strict and opaque', async () => {
    const browser = new Browser(env.server.url)
    const page = await (await browser.get('/login')).text()
    const res = await browser.post('/login', { ...formFields(page), username: 'alice', password: PASSWORD })
    const cookie = setCookie(res, SESSION)!
    expect(cookie).toBeDefined()
    expect(cookie).toMatch(/;\s*HttpOnly/i)
    expect(cookie).toMatch(/;\s*SameSite=(Lax|Strict)/i)
    expect(cookie).not.toMatch(/;\s*Secure/i) // the test issuer is plain http
    const value = browser.cookies.get(SESSION)!
    expect(value.length).toBeGreaterThanOrEqual(32)
    expect(value).not.toContain('alice')
    expect(value).not.toContain(env.f.alice.id)
    expect(value).not.toContain(env.f.alice.id.replace(/-/g, ''))
  })

  test('RFC 6265 §4.1.2.5: with an https issuer the session and login cookies are Secure', async () => {
    await using server = await startServer({ config: { issuer: 'https://login.example' } })
    await server.provider.services.users.create({ username: 'alice', password: PASSWORD })
    const browser = new Browser(server.url)
    const first = await browser.get('/login')
    expect(setCookie(first, 'latchkey_login')).toMatch(/;\s*Secure/i)
    const res = await browser.post('/login', {
      ...formFields(await first.text()),
      username: 'alice',
      password: PASSWORD,
    })
    expect(res.status).toBe(303)
    expect(setCookie(res, SESSION)).toMatch(/;\s*Secure/i)
  })

  test('Keycloak CVE-2025-12390 (session fixation): a pre-login cookie is replaced and stays useless', async () => {
    const browser = new Browser(env.server.url)
    const planted = 'lkse_' + 'P'.repeat(43)
    browser.cookies.set(SESSION, planted)
    await browser.login()
    const fresh = browser.cookies.get(SESSION)!
    expect(fresh).not.toBe(planted)
    const attacker = new Browser(env.server.url)
    attacker.cookies.set(SESSION, planted)
    const res = await rawAuthorize(env, authorizeQuery(env.f.C1), { browser: attacker })
    expect(location(res, env.server.url).pathname).toBe('/login')
  })

  test.each(DIALECTS)(
    'Hydra PR 770: a new login (prompt=login) issues a new session id and ends the old one; as ' +
      "another user the new session is that user's ($name)",
    async (dialect) => {
      const browser = new Browser(env.server.url)
      await browser.login('alice')
      const aliceCookie = browser.cookies.get(SESSION)!
      const tokens = await tokensFor(env, env.f.C1, {
        dialect,
        browser,
        username: 'bob',
        scope: 'openid',
        extra: { prompt: 'login' },
      })
      const bobCookie = browser.cookies.get(SESSION)!
      expect(bobCookie).not.toBe(aliceCookie)
      expect(decodeJwt(tokens.id_token!).sub).toBe(env.f.bob.id)
      const stale = new Browser(env.server.url)
      stale.cookies.set(SESSION, aliceCookie)
      const res = await rawAuthorize(env, authorizeQuery(env.f.C1), { browser: stale, path: dialect.authorize })
      expect(location(res, env.server.url).pathname).toBe('/login')
    },
  )
})

describe('L.67 consent shows exactly what is asked, and Deny is an error redirect', () => {
  test.each(DIALECTS)(
    'RFC 6749 §4.1.2.1; RFC 9700 §4.2.4: consent lists the exact requested scopes and the ' +
      'redirect host, escapes the app name ($name)',
    async (dialect) => {
      const frank = await newUser()
      const { html, res } = await consentPage(
        frank.browser,
        authorizeQuery(env.f.C1, { scope: 'openid email' }),
        dialect.authorize,
      )
      const listed = [...html.matchAll(/<li><code>([^<]*)<\/code>/g)].map((m) => m[1])
      expect(listed.sort()).toEqual(['email', 'openid'])
      expect(html).toContain('See your email address')
      expect(html).toContain('c1.example')
      expect(html).toContain('Client One &lt;b&gt;')
      expect(html).not.toContain('Client One <b>')
      expect(res.headers.get('referrer-policy')).toMatch(/^(no-referrer|strict-origin)$/)
    },
  )

  test('Gitea-style implied scopes: consent for `api` also lists the implied `read_user`', async () => {
    const created = await env.server.provider.services.applications.create({
      name: 'API app',
      redirectUris: ['https://api-app.example/cb'],
      scopes: ['openid', 'api'],
    })
    const client: Client = {
      clientId: created.application.clientId,
      secret: created.clientSecret,
      redirectUri: 'https://api-app.example/cb',
    }
    const gina = await newUser()
    const { html } = await consentPage(gina.browser, authorizeQuery(client, { scope: 'api' }))
    const listed = [...html.matchAll(/<li><code>([^<]*)<\/code>/g)].map((m) => m[1])
    expect(listed.sort()).toEqual(['api', 'read_user'])
  })

  test.each(DIALECTS)(
    'RFC 6749 §4.1.2.1: Deny → ER(access_denied) with state and iss, and nothing is remembered ($name)',
    async (dialect) => {
      const hank = await newUser()
      const url = await hank.browser.authorize(authorizeQuery(env.f.C2, { state: 'deny-state' }), {
        decision: 'deny',
        path: dialect.authorize,
      })
      expect(url.origin + url.pathname).toBe(env.f.C2.redirectUri)
      expect(url.searchParams.get('error')).toBe('access_denied')
      expect(url.searchParams.get('state')).toBe('deny-state')
      expect(url.searchParams.get('iss')).toBe(env.server.config.issuer)
      expect(url.searchParams.get('code')).toBeNull()
      expect((await env.server.provider.services.grants.listForUser(hank.id)).length).toBe(0)
    },
  )

  test('RFC 9700 §4.2.4: pages load no third-party resources and send Referrer-Policy', async () => {
    const ivan = await newUser()
    const pages = [
      await (await new Browser(env.server.url).get('/login')).text(),
      (await consentPage(ivan.browser, authorizeQuery(env.f.C2))).html,
      await expectErrorPage(
        await rawAuthorize(env, authorizeQuery({ clientId: 'lkc_nope', secret: null, redirectUri: R1 })),
      ),
    ]
    for (const html of pages) {
      for (const m of html.matchAll(/\b(?:src|href|action)="([^"]*)"/g)) expect(m[1]).toMatch(/^\/(?!\/)/)
      expect(html).not.toMatch(/<script\b/i)
      expect(html).not.toMatch(/<iframe\b/i)
    }
    const res = await new Browser(env.server.url).get('/login')
    expect(res.headers.get('referrer-policy')).toMatch(/^(no-referrer|strict-origin)$/)
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'|default-src 'self'/)
  })
})
