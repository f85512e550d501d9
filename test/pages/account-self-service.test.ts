/**
 * Issue 17, account self-service: a signed-in user changes their password (giving the current one;
 * other sessions end, this one stays), edits name and e-mail (a new address is unverified), sees their
 * sessions (when, from where, which browser) and ends one or all others, and makes, lists and revokes
 * personal access tokens (value shown once, scopes limited to what they may hold). Every form: same-origin
 * POST with a CSRF token (RFC 6749 §10.12), errors beside the field, nothing written on bad input.
 */
import { describe, expect, test } from 'bun:test'
import { shortBrowser } from '../../src/pages/account-self.ts'
import { Browser, formFields } from '../helpers/browser.ts'
import { PASSWORD } from '../helpers/fixtures.ts'
import { startServer, type TestServer } from '../helpers/server.ts'

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0'
const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'

/** A browser that sends its own User-Agent and X-Forwarded-For-free requests. */
class AgentBrowser extends Browser {
  constructor(
    base: string,
    readonly agent: string,
  ) {
    super(base)
  }
  override request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers)
    headers.set('User-Agent', this.agent)
    return super.request(path, { ...init, headers })
  }
}

async function signedIn(server: TestServer, agent = FIREFOX, username = 'alice'): Promise<Browser> {
  const browser = new AgentBrowser(server.url, agent)
  expect((await browser.login(username, PASSWORD)).status).toBe(303)
  return browser
}

/** Loads `path`, then posts its form (the first one on the page) with `fields`. */
async function submit(browser: Browser, path: string, action: string, fields: Record<string, string>) {
  const page = await (await browser.get(path)).text()
  return browser.post(action, { ...formFields(page), ...fields })
}

async function world() {
  const server = await startServer()
  const { users } = server.provider.services
  await users.create({ username: 'alice', email: 'alice@example.com', password: PASSWORD })
  await users.update('alice', { emailVerified: true })
  await users.create({ username: 'bob', password: PASSWORD })
  return server
}

describe('issue 17: /account pages', () => {
  test('signed out: every account page sends to /login and comes back; a nav links them all', async () => {
    await using server = await world()
    const anonymous = new Browser(server.url)
    for (const path of ['/account', '/account/password', '/account/sessions', '/account/tokens']) {
      const res = await anonymous.get(path)
      expect(res.status).toBe(303)
      expect(res.headers.get('location')).toBe(`/login?return_to=${encodeURIComponent(path)}`)
    }
    const browser = await signedIn(server)
    const page = await (await browser.get('/account/sessions')).text()
    for (const href of ['/account', '/account/password', '/account/applications', '/account/tokens'])
      expect(page).toContain(`href="${href}"`)
    expect(page).toContain('<a href="/account/sessions" aria-current="page">')
    expect(await (await browser.get('/account/applications')).text()).toContain('<nav aria-label="Account">')
  })

  test('profile: name and e-mail change; a new address is unverified (as `user update` does)', async () => {
    await using server = await world()
    const browser = await signedIn(server)
    const saved = await submit(browser, '/account', '/account', { name: 'Alice L.', email: 'alice@new.example' })
    expect(saved.status).toBe(200)
    expect(await saved.text()).toContain('Your profile is saved.')
    const alice = await server.provider.services.users.findByUsername('alice')
    expect(alice).toMatchObject({ name: 'Alice L.', email: 'alice@new.example', emailVerified: false })
    const events = await server.db.selectFrom('audit_events').selectAll().where('type', '=', 'user.updated').execute()
    expect(events.at(-1)).toMatchObject({ actor_user_id: alice!.id, user_id: alice!.id })
  })

  test('profile: a bad or taken address is shown beside the field and nothing changes', async () => {
    await using server = await world()
    await server.provider.services.users.update('bob', { email: 'bob@example.com' })
    const browser = await signedIn(server)
    for (const email of ['not-an-address', 'BOB@example.com']) {
      const res = await submit(browser, '/account', '/account', { name: 'Changed', email })
      expect(res.status).toBe(400)
      const page = await res.text()
      expect(page).toContain('id="email-error"')
      expect(page).toContain('aria-invalid="true"')
    }
    expect(await server.provider.services.users.findByUsername('alice')).toMatchObject({
      name: null,
      email: 'alice@example.com',
      emailVerified: true,
    })
  })

  test('password: needs the current one; other sessions end, this one stays; the new password signs in', async () => {
    await using server = await world()
    const here = await signedIn(server)
    const elsewhere = await signedIn(server, CHROME)
    const wrong = await submit(here, '/account/password', '/account/password', {
      current_password: 'not my password',
      new_password: 'a brand new password',
      new_password_again: 'a brand new password',
    })
    expect(wrong.status).toBe(400)
    expect(await wrong.text()).toContain('id="current_password-error"')
    const short = await submit(here, '/account/password', '/account/password', {
      current_password: PASSWORD,
      new_password: 'short',
      new_password_again: 'short',
    })
    expect(await short.text()).toContain('id="new_password-error"')
    const differ = await submit(here, '/account/password', '/account/password', {
      current_password: PASSWORD,
      new_password: 'a brand new password',
      new_password_again: 'a brand new passwort',
    })
    expect(await differ.text()).toContain('id="new_password_again-error"')
    // Nothing changed so far: the other browser is still in.
    expect((await elsewhere.get('/account')).status).toBe(200)
    const done = await submit(here, '/account/password', '/account/password', {
      current_password: PASSWORD,
      new_password: 'a brand new password',
      new_password_again: 'a brand new password',
    })
    expect(done.status).toBe(200)
    expect(await done.text()).toContain('Your password is changed.')
    expect((await here.get('/account')).status).toBe(200)
    expect((await elsewhere.get('/account')).status).toBe(303)
    expect((await new Browser(server.url).login('alice', PASSWORD)).status).toBe(401)
    expect((await new Browser(server.url).login('alice', 'a brand new password')).status).toBe(303)
  })

  test('sessions: when, from where and which browser; end one, then all others; never by another user', async () => {
    await using server = await world()
    const here = await signedIn(server, FIREFOX)
    const phone = await signedIn(server, CHROME)
    const third = await signedIn(server, 'curl/8.5.0')
    const bob = await signedIn(server, FIREFOX, 'bob')
    const page = await (await here.get('/account/sessions')).text()
    expect(page).toContain('Firefox 133 on Linux <strong>(this browser)</strong>')
    expect(page).toContain('Chrome 131 on Windows')
    expect(page).toContain('curl 8')
    expect(page).toContain('127.0.0.1')
    expect(page).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d UTC/)
    const alice = (await server.provider.services.users.findByUsername('alice'))!
    const sessions = await server.provider.services.sessions.listOfUser(alice.id)
    expect(sessions).toHaveLength(3)
    const chrome = sessions.find((s) => s.userAgent === CHROME)!
    // Bob cannot end Alice's session by its id.
    const bobsTry = await submit(bob, '/account', '/account/sessions/revoke', { session_id: chrome.id })
    expect(bobsTry.status).toBe(404)
    expect((await phone.get('/account')).status).toBe(200)
    const csrf = formFields(page).csrf_token!
    const ended = await here.post('/account/sessions/revoke', { csrf_token: csrf, session_id: chrome.id })
    expect(ended.status).toBe(200)
    expect((await phone.get('/account')).status).toBe(303)
    expect((await third.get('/account')).status).toBe(200)
    const others = await here.post('/account/sessions/revoke', { csrf_token: csrf, others: '1' })
    expect(await others.text()).toContain('One other session ended.')
    expect((await third.get('/account')).status).toBe(303)
    expect((await here.get('/account')).status).toBe(200)
    expect((await bob.get('/account')).status).toBe(200)
  })

  test('RFC 6749 §10.12: a form without its CSRF token, or from another site, changes nothing', async () => {
    await using server = await world()
    const browser = await signedIn(server)
    const noToken = await browser.post('/account', { name: 'Mallory' })
    expect(noToken.status).toBe(403)
    const page = await (await browser.get('/account')).text()
    const crossSite = await browser.request('/account', {
      method: 'POST',
      body: new URLSearchParams({ ...formFields(page), name: 'Mallory' }),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'https://evil.example' },
    })
    expect(crossSite.status).toBe(403)
    const otherSession = await signedIn(server, CHROME)
    const stolen = await otherSession.post('/account/tokens', { ...formFields(page), scope_read_user: '1' })
    expect(stolen.status).toBe(403)
    expect((await server.provider.services.users.findByUsername('alice'))!.name).toBeNull()
    expect(await server.provider.services.admin.tokens.listPersonal({})).toEqual([])
  })

  test('tokens: made with chosen scopes and expiry, value shown once, listed by hint, revoked', async () => {
    await using server = await world()
    const browser = await signedIn(server)
    const page = await (await browser.get('/account/tokens')).text()
    expect(page).toContain('You have no active personal access token.')
    expect(page).not.toContain('name="scope_admin"')
    const made = await submit(browser, '/account/tokens', '/account/tokens', {
      scope_read_user: '1',
      scope_openid: '1',
      expires_in: '2592000',
    })
    expect(made.status).toBe(200)
    const html = await made.text()
    const value = html.match(/id="created-value" readonly value="(lkpat_[^"]+)"/)?.[1]
    expect(value).toBeDefined()
    const userinfo = await fetch(`${server.url}/oauth/userinfo`, { headers: { Authorization: `Bearer ${value}` } })
    expect(userinfo.status).toBe(200)
    // Shown once: the list shows only the last four characters.
    const list = await (await browser.get('/account/tokens')).text()
    expect(list).not.toContain(value!)
    expect(list).toContain(`lkpat_…${value!.slice(-4)}`)
    const alice = (await server.provider.services.users.findByUsername('alice'))!
    const [token] = await server.provider.services.admin.tokens.listPersonal({ userId: alice.id })
    expect(token!.scopes.sort()).toEqual(['openid', 'read_user'])
    expect(token!.expiresAt! - token!.createdAt).toBe(2592000)
    // Bob cannot revoke it.
    const bob = await signedIn(server, FIREFOX, 'bob')
    const bobsTry = await submit(bob, '/account/tokens', '/account/tokens/revoke', { token_id: token!.id })
    expect(bobsTry.status).toBe(404)
    const revoked = await browser.post('/account/tokens/revoke', {
      csrf_token: formFields(list).csrf_token!,
      token_id: token!.id,
    })
    expect(revoked.status).toBe(200)
    expect(await revoked.text()).toContain('You have no active personal access token.')
    const after = await fetch(`${server.url}/oauth/userinfo`, { headers: { Authorization: `Bearer ${value}` } })
    expect(after.status).toBe(401)
  })

  test(
    'tokens: no scope, an unknown one, an admin scope for a non-administrator, a bad lifetime: ' + 'beside the field',
    async () => {
      await using server = await world()
      const browser = await signedIn(server)
      const cases: Array<[Record<string, string>, string]> = [
        [{ expires_in: '604800' }, 'scopes-error'],
        [{ scope_no_such_scope: '1', expires_in: '604800' }, 'scopes-error'],
        [{ scope_admin: '1', expires_in: '604800' }, 'scopes-error'],
        [{ 'scope_admin:read': '1', expires_in: '' }, 'scopes-error'],
        [{ scope_read_user: '1', expires_in: '12' }, 'expires_in-error'],
      ]
      for (const [fields, error] of cases) {
        const res = await submit(browser, '/account/tokens', '/account/tokens', fields)
        expect(res.status).toBe(400)
        expect(await res.text()).toContain(`id="${error}"`)
      }
      expect(await server.provider.services.admin.tokens.listPersonal({})).toEqual([])
    },
  )

  test('tokens: an administrator may hold admin scopes in their own token', async () => {
    await using server = await world()
    await server.provider.services.users.create({ username: 'root', password: PASSWORD, isAdmin: true })
    const browser = await signedIn(server, FIREFOX, 'root')
    expect(await (await browser.get('/account/tokens')).text()).toContain('name="scope_admin"')
    const made = await submit(browser, '/account/tokens', '/account/tokens', { scope_admin: '1', expires_in: '' })
    expect(made.status).toBe(200)
    const [token] = await server.provider.services.admin.tokens.listPersonal({})
    expect(token).toMatchObject({ scopes: ['admin'], expiresAt: null })
  })

  test('User-Agent shortened to browser, version and system', () => {
    expect(shortBrowser(FIREFOX)).toBe('Firefox 133 on Linux')
    expect(shortBrowser(CHROME)).toBe('Chrome 131 on Windows')
    expect(
      shortBrowser(
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 (KHTML, like Gecko) ' +
          'Version/17.2 Safari/605.1.15',
      ),
    ).toBe('Safari 17 on macOS')
    expect(shortBrowser(null)).toBe('Unknown browser')
    expect(shortBrowser('x'.repeat(100))).toHaveLength(41)
  })
})
