/**
 * What a person sees on Latchkey's own pages (issue 14 §7): expired forms say so and lead back,
 * browsers get an HTML 404, /login and the home page say who is signed in and link on, and the
 * device page shows the code the way the device does.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { DEVICE_CODE_GRANT } from '../../src/services/applications/applications.ts'
import { Browser, formFields } from '../helpers/browser.ts'
import { seed, type Client } from '../helpers/fixtures.ts'
import { pkcePair, postForm } from '../helpers/oauth.ts'
import { startServer, type TestServer } from '../helpers/server.ts'

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'
let server: TestServer
let C1: Client
let DEVICE: Client
beforeAll(async () => {
  server = await startServer()
  const services = server.provider.services
  C1 = (await seed(services)).C1
  const { application } = await services.applications.create({
    name: 'TV',
    isPublic: true,
    grantTypes: [DEVICE_CODE_GRANT],
    scopes: ['read_user'],
  })
  DEVICE = { clientId: application.clientId, secret: null, redirectUri: '' }
})
afterAll(() => server[Symbol.asyncDispose]())

async function signedIn(username = 'alice'): Promise<Browser> {
  const browser = new Browser(server.url)
  expect((await browser.login(username)).status).toBe(303)
  return browser
}

/** The one "form expired" page: it says so, blames no application, and links to `startAgain`. */
async function expectExpiredForm(res: Response, startAgain: string) {
  expect(res.status).toBe(403)
  const page = await res.text()
  expect(page).toContain('<title>This form has expired · Latchkey</title>')
  expect(page).not.toContain('application that sent you here')
  expect(page).toContain(`<a href="${Bun.escapeHTML(startAgain)}">Start again</a>`)
}

describe('issue 14 §7: an expired form says so and links back to start again', () => {
  test('sign-in form whose cookie is gone → start the same sign-in again', async () => {
    const browser = new Browser(server.url)
    const fields = formFields(await (await browser.get('/login?return_to=%2Faccount%2Fapplications')).text())
    browser.cookies.clear()
    await expectExpiredForm(
      await browser.post('/login', { ...fields, username: 'alice', password: 'x' }),
      '/login?return_to=%2Faccount%2Fapplications',
    )
  })

  test('consent form after the session ended → the same authorization request again', async () => {
    const browser = await signedIn()
    const { challenge } = pkcePair()
    const query = {
      response_type: 'code',
      client_id: C1.clientId,
      redirect_uri: C1.redirectUri,
      scope: 'openid',
      state: 's1',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }
    const fields = formFields(await (await browser.get(`/oauth/authorize?${new URLSearchParams(query)}`)).text())
    await browser.post('/logout', { csrf_token: fields.csrf_token! })
    const res = await browser.post('/oauth/authorize/decision', { ...fields, decision: 'approve' })
    await expectExpiredForm(res, `/oauth/authorize?${new URLSearchParams(query)}`)
  })

  test('device, account and sign-out forms with a stale token → their own page again', async () => {
    const browser = await signedIn()
    await expectExpiredForm(
      await browser.post('/oauth/device', { csrf_token: 'stale', user_code: 'BCDF-GHJK' }),
      '/oauth/device',
    )
    await expectExpiredForm(
      await browser.post('/oauth/device/decision', {
        csrf_token: 'stale',
        user_code: 'BCDF-GHJK',
        decision: 'approve',
      }),
      '/oauth/device',
    )
    await expectExpiredForm(
      await browser.post('/account/applications/revoke', { csrf_token: 'stale', grant_id: 'x' }),
      '/account/applications',
    )
    await expectExpiredForm(await browser.post('/logout', { csrf_token: 'stale' }), '/logout')
  })
})

describe('issue 14 §7: unknown paths', () => {
  test('a browser (Accept: text/html) gets an HTML 404 page that links home', async () => {
    const res = await fetch(`${server.url}/no/such/page`, { headers: { Accept: BROWSER_ACCEPT } })
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type')).toStartWith('text/html')
    const page = await res.text()
    expect(page).toContain('<title>Page not found · Latchkey</title>')
    expect(page).toContain('<a href="/">')
  })

  test('API clients keep the JSON error', async () => {
    for (const accept of [undefined, 'application/json', '*/*', 'text/html;q=0']) {
      const res = await fetch(`${server.url}/oauth/nope`, { headers: accept ? { Accept: accept } : {} })
      expect(res.status).toBe(404)
      expect(await res.json()).toMatchObject({ error: 'not_found' })
    }
  })
})

describe('issue 14 §7: who is signed in', () => {
  test('/login while signed in names the user, links home, offers sign-out and allows a new sign-in', async () => {
    const browser = await signedIn()
    const page = await (await browser.get('/login')).text()
    expect(page).toContain('You are signed in as <strong>alice</strong>')
    expect(page).toContain('<a href="/">')
    expect(page).toMatch(/<form method="post" action="\/logout">[\s\S]*Sign out<\/button>/)
    expect(page).toContain('action="/login"')
    // Signing in as someone else from this page still works (prompt=login sends signed-in users here).
    expect(
      (
        await browser.post('/login', {
          ...formFields(page.slice(page.indexOf('action="/login"'))),
          username: 'bob',
          password: 'correct horse battery staple',
        })
      ).status,
    ).toBe(303)
    expect(await (await browser.get('/')).text()).toContain('<strong>bob</strong>')
  })

  test('the signed-in home page links to the account pages; its title is not "Latchkey · Latchkey"', async () => {
    const page = await (await (await signedIn()).get('/')).text()
    expect(page).toContain('<a href="/account/applications">')
    expect(page).toContain('<a href="/oauth/device">')
    expect(page).not.toContain('Latchkey · Latchkey')
    expect(page).toContain('<title>Latchkey</title>')
  })

  test('the signed-out page links to sign in again', async () => {
    const browser = await signedIn()
    const fields = formFields(await (await browser.get('/logout')).text())
    const page = await (await browser.post('/logout', fields)).text()
    expect(page).toContain('You are signed out')
    expect(page).toContain('<a href="/login">')
  })
})

describe('issue 14 §7: the device confirmation page', () => {
  test('RFC 8628 §6.1: shows the code as the device shows it (XXXX-XXXX), however it was typed', async () => {
    const { user_code: userCode } = (await (
      await postForm(server.url, '/oauth/authorize_device', DEVICE, { scope: 'read_user' })
    ).json()) as { user_code: string }
    expect(userCode).toMatch(/^[A-Z]{4}-[A-Z]{4}$/)
    const browser = await signedIn()
    const entry = formFields(await (await browser.get('/oauth/device')).text())
    const page = await (
      await browser.post('/oauth/device', { ...entry, user_code: ` ${userCode.replace('-', '').toLowerCase()} ` })
    ).text()
    expect(page).toContain(`the code <strong>${userCode}</strong> matches`)
    expect(formFields(page).user_code).toBe(userCode)
  })
})
