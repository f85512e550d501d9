/**
 * Issue 17, "the pages every user sees": the instance's name and logo on every page, "Sign in to
 * continue to <app>" for an authorization request, the page in the language asked for (ui_locales,
 * OIDC Core §3.1.2.1, carried through sign-in and consent; else Accept-Language), and the same strict
 * CSP with no script.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigError, loadConfig } from '../../src/config.ts'
import { PAGE_HEADERS } from '../../src/http/headers.ts'
import { Browser, formFields } from '../helpers/browser.ts'
import { PASSWORD, seed, type Client } from '../helpers/fixtures.ts'
import { pkcePair } from '../helpers/oauth.ts'
import { startServer, type TestServer } from '../helpers/server.ts'

/** The smallest PNG there is: 1×1, transparent. */
const PNG = Uint8Array.from(
  atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII='),
  (c) => c.charCodeAt(0),
)
const dir = mkdtempSync(join(tmpdir(), 'latchkey-logo-'))
const logoPath = join(dir, 'logo.png')
writeFileSync(logoPath, PNG)

const CSP = PAGE_HEADERS.find(([k]) => k === 'Content-Security-Policy')![1]
let server: TestServer
let plain: TestServer
let C1: Client
beforeAll(async () => {
  server = await startServer({ config: { instanceName: 'Acme <ID>', logo: logoPath } })
  C1 = (await seed(server.provider.services)).C1
  plain = await startServer()
})
afterAll(async () => {
  await server[Symbol.asyncDispose]()
  await plain[Symbol.asyncDispose]()
})

function authorizeQuery(client: Client, extra: Record<string, string> = {}): string {
  return new URLSearchParams({
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: client.redirectUri,
    scope: 'openid profile',
    state: 'st',
    code_challenge: pkcePair().challenge,
    code_challenge_method: 'S256',
    ...extra,
  }).toString()
}

/** Follows /oauth/authorize to the login page, as a browser with `acceptLanguage` would. */
async function loginPageFor(browser: Browser, query: string, acceptLanguage = 'en'): Promise<string> {
  const start = await browser.request(`/oauth/authorize?${query}`, { headers: { 'Accept-Language': acceptLanguage } })
  expect(start.status).toBe(303)
  const login = await browser.request(start.headers.get('location')!, {
    headers: { 'Accept-Language': acceptLanguage },
  })
  expect(login.status).toBe(200)
  return login.text()
}

/** What no page may hold: script of any kind, or anything from another origin. */
function expectNoScript(page: string) {
  expect(page).not.toMatch(/<script\b/i)
  expect(page).not.toMatch(/\bon[a-z]+\s*=/i)
  expect(page).not.toMatch(/javascript:/i)
  for (const m of page.matchAll(/\b(?:src|href|action)="([^"]*)"/g)) expect(m[1]).toMatch(/^\/(?!\/)/)
}

describe('issue 17: the instance name and logo', () => {
  test('every page carries the name (escaped) and the logo, in the title and the card header', async () => {
    for (const path of ['/', '/login', '/logout', '/no-such-page']) {
      const res = await new Browser(server.url).request(path, { headers: { Accept: 'text/html' } })
      const page = await res.text()
      expect(page).toContain('<span>Acme &lt;ID&gt;</span>')
      expect(page).not.toContain('Acme <ID>')
      expect(page).toContain('<img src="/assets/logo" alt="" width="32" height="32">')
      expect(page).not.toContain('Latchkey')
      expectNoScript(page)
    }
    expect(await (await fetch(`${server.url}/`)).text()).toContain('<title>Acme &lt;ID&gt;</title>')
    expect(await (await fetch(`${server.url}/login`)).text()).toContain('<title>Sign in · Acme &lt;ID&gt;</title>')
  })

  test("the operator's logo is served as it was read at start-up, with its content type", async () => {
    const res = await fetch(`${server.url}/assets/logo`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('image/png')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(PNG)
  })

  test('without --logo the built-in SVG is served, sandboxed, and the name is Latchkey', async () => {
    const res = await fetch(`${plain.url}/assets/logo`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('image/svg+xml')
    expect(res.headers.get('content-security-policy')).toContain('sandbox')
    const svg = await res.text()
    expect(svg).toStartWith('<svg ')
    expect(svg).not.toMatch(/<script|\bon[a-z]+=|href=/i)
    expect(await (await fetch(`${plain.url}/login`)).text()).toContain('<title>Sign in · Latchkey</title>')
  })

  test('a logo that is not the image its name says, too big, of another type or missing: a clear config error', () => {
    const load = (logo: string, bytes: Uint8Array) =>
      loadConfig({ flags: { logo }, env: {}, readBytes: () => bytes as Uint8Array<ArrayBuffer> })
    expect(() => load('/x/logo.png', new TextEncoder().encode('<svg></svg>'))).toThrow(/not the image\/png/)
    expect(() => load('/x/logo.svg', new Uint8Array(300 * 1024).fill(32))).toThrow(/at most 262144/)
    expect(() => load('/x/logo.bmp', PNG)).toThrow(/\.svg, \.png/)
    expect(() => loadConfig({ flags: { logo: join(dir, 'nope.png') }, env: {} })).toThrow(/no such file/)
    expect(() => loadConfig({ flags: { 'instance-name': '' }, env: {} })).toThrow(ConfigError)
    expect(
      load('/x/logo.svg', new TextEncoder().encode('<?xml version="1.0"?><svg xmlns="x"/>')).logoImage,
    ).toMatchObject({ contentType: 'image/svg+xml' })
  })
})

describe('issue 17: sign-in for an authorization request names the application', () => {
  test('"Sign in to continue to <app>" with the redirect host, the name escaped', async () => {
    const page = await loginPageFor(new Browser(server.url), authorizeQuery(C1))
    expect(page).toContain('Sign in to continue to <strong>Client One &lt;b&gt;</strong>')
    expect(page).not.toContain('Client One <b>')
    expect(page).toContain(`<strong>${new URL(C1.redirectUri).host}</strong>`)
    expectNoScript(page)
  })

  test('an invalid request (unregistered redirect URI) names no application: no phishing help', async () => {
    const query = authorizeQuery({ ...C1, redirectUri: 'https://evil.example/cb' })
    const returnTo = encodeURIComponent(`/oauth/authorize?${query}`)
    const page = await (await new Browser(server.url).get(`/login?return_to=${returnTo}`)).text()
    expect(page).not.toContain('Client One')
    expect(page).not.toContain('evil.example</strong>')
    expect(page).toContain('action="/login"')
  })

  test('RFC 6749 §3.1: a repeated parameter (refused at /oauth/authorize) names no application', async () => {
    const query = `${authorizeQuery(C1)}&client_id=${encodeURIComponent(C1.clientId)}`
    const page = await (
      await new Browser(server.url).get(`/login?return_to=${encodeURIComponent(`/oauth/authorize?${query}`)}`)
    ).text()
    expect(page).not.toContain('Client One')
    expect(page).toContain('action="/login"')
  })

  test('a plain sign-in names no application', async () => {
    const page = await (await new Browser(server.url).get('/login?return_to=%2Faccount%2Fapplications')).text()
    expect(page).not.toContain('continue to')
  })

  test('wrong password: the error is at the password field, with the application still named', async () => {
    const browser = new Browser(server.url)
    const page = await loginPageFor(browser, authorizeQuery(C1))
    const res = await browser.post('/login', { ...formFields(page), username: 'alice', password: 'wrong' })
    expect(res.status).toBe(401)
    const again = await res.text()
    expect(again).toContain('Sign in to continue to <strong>Client One &lt;b&gt;</strong>')
    const input = /<input type="password" id="password" name="password"[^>]*>/.exec(again)![0]
    expect(input).toContain('aria-invalid="true" aria-describedby="password-error"')
    const next = again.slice(again.indexOf(input) + input.length).trimStart()
    expect(next).toStartWith(
      '<p class="field-error" id="password-error" role="alert">Invalid username or password.</p>',
    )
  })
})

describe('issue 17: the page speaks the language asked for', () => {
  test('OIDC Core §3.1.2.1: ui_locales=de on the authorization request → German login, then consent', async () => {
    const browser = new Browser(server.url)
    // The browser prefers English: ui_locales wins.
    const page = await loginPageFor(browser, authorizeQuery(C1, { ui_locales: 'de' }), 'en-US,en;q=0.9')
    expect(page).toContain('<html lang="de">')
    expect(page).toContain('Melden Sie sich an, um mit <strong>Client One &lt;b&gt;</strong> fortzufahren')
    expect(page).toContain('<label for="password">Passwort</label>')
    const failed = await browser.post('/login', { ...formFields(page), username: 'alice', password: 'wrong' })
    expect(await failed.text()).toContain('Benutzername oder Passwort ist falsch.')
    const fields = formFields(page)
    const signedIn = await browser.post('/login', { ...fields, username: 'alice', password: PASSWORD })
    expect(signedIn.status).toBe(303)
    const consent = await browser.request(signedIn.headers.get('location')!, {
      headers: { 'Accept-Language': 'en' },
    })
    const html = await consent.text()
    expect(html).toContain('<html lang="de">')
    expect(html).toContain('<title>Zugriff erlauben · Acme &lt;ID&gt;</title>')
    expect(html).toContain('>Erlauben</button>')
    expect(html).toContain('>Ablehnen</button>')
    // Carried through the consent form, for the decision and any page after it.
    expect(formFields(html).ui_locales).toBe('de')
    expectNoScript(html)
  })

  test('RFC 9110 §12.5.4: Accept-Language q-values pick German; unknown languages fall back to English', async () => {
    const german = await new Browser(server.url).request('/login', {
      headers: { 'Accept-Language': 'fr;q=0.9, de;q=0.8, en;q=0.1' },
    })
    const page = await german.text()
    expect(page).toContain('<html lang="de">')
    expect(page).toContain('<h1>Anmelden</h1>')
    const other = await (
      await new Browser(server.url).request('/login', { headers: { 'Accept-Language': 'ja, fr' } })
    ).text()
    expect(other).toContain('<html lang="en">')
    expect(other).toContain('<h1>Sign in</h1>')
  })

  test('the account pages too: German nav, labels and buttons, from Accept-Language', async () => {
    const browser = new Browser(server.url)
    await browser.login('alice')
    const german = { headers: { 'Accept-Language': 'de-DE,de;q=0.9,en;q=0.5' } }
    const password = await (await browser.request('/account/password', german)).text()
    expect(password).toContain('<html lang="de">')
    expect(password).toContain('<h1>Passwort ändern</h1>')
    expect(password).toContain('<label for="current_password">Aktuelles Passwort</label>')
    expect(password).toContain('<nav aria-label="Konto">')
    expect(password).toContain('<a href="/account/password" aria-current="page">Passwort</a>')
    expect(password).toContain('Angemeldet als <strong>alice</strong>')
    const tokens = await (await browser.request('/account/tokens', german)).text()
    expect(tokens).toContain('<option value="2592000" selected>30 Tagen</option>')
    expectNoScript(password)
    expectNoScript(tokens)
  })

  test('error pages too: a German 404, and the OAuth error itself stays English', async () => {
    const notFound = await fetch(`${server.url}/nope`, { headers: { Accept: 'text/html', 'Accept-Language': 'de' } })
    expect(await notFound.text()).toContain('<h1>Seite nicht gefunden</h1>')
    const bad = await fetch(`${server.url}/oauth/authorize?client_id=lkc_nope&ui_locales=de`)
    const page = await bad.text()
    expect(page).toContain('<html lang="de">')
    expect(page).toContain('Fortfahren nicht möglich')
    expect(page).toContain('<strong>invalid_request</strong>: unknown or missing client_id')
  })
})

describe('issue 17: still no script, the same strict CSP', () => {
  test('RFC 9700 §4.16: every page answers with the unchanged page CSP', async () => {
    expect(CSP).toBe("default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'")
    const browser = new Browser(server.url)
    expect((await browser.login('alice')).status).toBe(303)
    for (const path of [
      '/',
      '/login',
      '/logout',
      '/account/applications',
      '/oauth/device',
      `/oauth/authorize?${authorizeQuery(C1)}`,
    ]) {
      const res = await browser.get(path)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-security-policy')).toBe(CSP)
      expectNoScript(await res.text())
    }
  })

  test('the account pages link to each other and to sign-out; the current one is marked', async () => {
    const browser = new Browser(server.url)
    await browser.login('alice')
    const page = await (await browser.get('/account/applications')).text()
    expect(page).toContain('<a href="/account/applications" aria-current="page">Applications</a>')
    expect(page).toContain('<a href="/logout">Sign out</a>')
    expect(page).toContain('Signed in as <strong>alice</strong>')
  })

  test('consent: Approve is the primary action, Deny the secondary one', async () => {
    const browser = new Browser(server.url)
    await browser.login('alice')
    const page = await (await browser.get(`/oauth/authorize?${authorizeQuery(C1)}`)).text()
    expect(page).toContain('<button type="submit" class="primary" name="decision" value="approve">Approve</button>')
    expect(page).toContain('<button type="submit" name="decision" value="deny">Deny</button>')
  })
})
