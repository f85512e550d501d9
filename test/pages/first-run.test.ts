/**
 * Issue 17, first run: on an empty database `latchkey serve` prints a one-time setup link (valid one
 * hour, usable once, stored hashed) where the first administrator is created; nothing else creates the
 * first administrator over HTTP. OWASP Forgot Password Cheat Sheet: random, single-use, expiring tokens,
 * stored hashed and never logged.
 */
import { describe, expect, test } from 'bun:test'
import { announceSetup } from '../../src/cli/serve.ts'
import { sha256Hex } from '../../src/crypto/secrets.ts'
import { Browser, formFields } from '../helpers/browser.ts'
import { cli } from '../helpers/cli.ts'
import { PASSWORD } from '../helpers/fixtures.ts'
import { startServer, type TestServer } from '../helpers/server.ts'

async function setupLink(server: TestServer): Promise<string> {
  const link = await server.provider.services.links.makeSetup()
  if (!link) throw new Error('no setup link')
  return link.url.slice(server.config.issuer.length)
}

/** Opens the link and submits the form; returns the POST's response. */
async function completeSetup(
  browser: Browser,
  path: string,
  fields: Record<string, string> = {},
): Promise<{ page: Response; post: Response }> {
  const page = await browser.get(path)
  const form = page.status === 200 ? formFields(await page.clone().text()) : { token: '', csrf_token: '' }
  const post = await browser.post('/setup', {
    ...form,
    username: 'root',
    password: PASSWORD,
    password_again: PASSWORD,
    ...fields,
  })
  return { page, post }
}

describe('issue 17: first-run setup link', () => {
  test('serve prints the link once, with its start-up lines; the token is stored only as its SHA-256', async () => {
    await using server = await startServer()
    const lines: Array<{ msg: string; fields: Record<string, unknown> }> = []
    await announceSetup(server.provider, { log: (_level, msg, fields = {}) => lines.push({ msg, fields }) })
    expect(lines).toHaveLength(1)
    const url = String(lines[0]!.fields.setup_url)
    expect(url.startsWith(`${server.config.issuer}/setup?token=lksu_`)).toBe(true)
    const token = new URL(url).searchParams.get('token')!
    const rows = await server.db.selectFrom('one_time_links').selectAll().execute()
    expect(rows).toHaveLength(1)
    expect(rows[0]!.token_hash).toBe(sha256Hex(token))
    expect(JSON.stringify(rows)).not.toContain(token)
  })

  test('the first administrator is created, signed in and sent to /admin; the link is dead afterwards', async () => {
    await using server = await startServer()
    const path = await setupLink(server)
    const browser = new Browser(server.url)
    const { page, post } = await completeSetup(browser, path)
    expect(page.status).toBe(200)
    const html = await page.text()
    const form = formFields(html)
    expect(html).toContain('<label for="username">')
    expect(html).not.toContain('<script')
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'")
    expect(post.status).toBe(303)
    expect(post.headers.get('location')).toBe('/admin')
    const root = await server.provider.services.users.findByUsername('root')
    expect(root).toMatchObject({ isAdmin: true, disabled: false })
    // Signed in: the account page answers for root.
    expect(await (await browser.get('/account')).text()).toContain('Signed in as <strong>root</strong>')
    // Used: the same link shows the dead-link page, and posting it again creates nobody.
    const again = new Browser(server.url)
    expect((await again.get(path)).status).toBe(404)
    // The same form, with its valid CSRF token, posted again: the link is used.
    const replay = await browser.post('/setup', {
      ...form,
      username: 'second',
      password: PASSWORD,
      password_again: PASSWORD,
    })
    expect(replay.status).toBe(404)
    expect((await server.provider.services.users.list()).map((u) => u.username)).toEqual(['root'])
    const types = (await server.db.selectFrom('audit_events').select('type').execute()).map((r) => r.type)
    expect(types).toContain('setup.completed')
    // The request log names paths, never the token.
    const token = new URL(path, server.url).searchParams.get('token')!
    expect(server.logs.join('\n')).not.toContain(token)
  })

  test('without a token, with a wrong one, an expired one or a replaced one: no form, nobody created', async () => {
    let now = 1_900_000_000
    await using server = await startServer({ clock: { now: () => now } })
    const browser = new Browser(server.url)
    expect((await browser.get('/setup')).status).toBe(404)
    expect((await browser.get('/setup?token=lksu_wrong')).status).toBe(404)
    expect((await browser.get('/setup?token=not-even-the-shape')).status).toBe(404)
    const first = await setupLink(server)
    // A restart makes a new link and kills the old one.
    const second = await setupLink(server)
    expect((await browser.get(first)).status).toBe(404)
    expect((await browser.get(second)).status).toBe(200)
    // Posting a made-up token with a valid form is refused the same way.
    const forged = await completeSetup(browser, second, { token: 'lksu_forged' })
    expect(forged.post.status).toBe(404)
    const form = formFields(await (await browser.get(second)).text())
    now += 3600
    expect((await browser.get(second)).status).toBe(404)
    const late = await browser.post('/setup', {
      ...form,
      username: 'root',
      password: PASSWORD,
      password_again: PASSWORD,
    })
    expect(late.status).toBe(404)
    expect(await server.provider.services.users.list()).toEqual([])
  })

  test('two concurrent uses of one link: exactly one administrator', async () => {
    await using server = await startServer()
    const path = await setupLink(server)
    const a = new Browser(server.url)
    const b = new Browser(server.url)
    const formA = formFields(await (await a.get(path)).text())
    const formB = formFields(await (await b.get(path)).text())
    const fields = { password: PASSWORD, password_again: PASSWORD }
    const [ra, rb] = await Promise.all([
      a.post('/setup', { ...formA, ...fields, username: 'first' }),
      b.post('/setup', { ...formB, ...fields, username: 'second' }),
    ])
    expect([ra.status, rb.status].sort()).toEqual([303, 404])
    expect(await server.provider.services.users.list()).toHaveLength(1)
  })

  test('bad input: errors beside the field, the link still works, nothing half-created', async () => {
    await using server = await startServer()
    const path = await setupLink(server)
    const browser = new Browser(server.url)
    const short = await completeSetup(browser, path, { password: 'short', password_again: 'short' })
    expect(short.post.status).toBe(400)
    const shortPage = await short.post.text()
    expect(shortPage).toContain('id="password-error"')
    expect(shortPage).toContain('aria-describedby="password-error')
    const differ = await completeSetup(browser, path, { password_again: `${PASSWORD}x` })
    expect(await differ.post.text()).toContain('id="password_again-error"')
    const name = await completeSetup(browser, path, { username: 'no spaces' })
    expect(await name.post.text()).toContain('id="username-error"')
    const email = await completeSetup(browser, path, { email: 'not-an-address' })
    expect(await email.post.text()).toContain('id="email-error"')
    expect(await server.provider.services.users.list()).toEqual([])
    expect((await completeSetup(browser, path)).post.status).toBe(303)
  })

  test('no CSRF token, or a cross-site POST: refused before anything is created', async () => {
    await using server = await startServer()
    const path = await setupLink(server)
    const browser = new Browser(server.url)
    const form = formFields(await (await browser.get(path)).text())
    const noCsrf = await browser.post('/setup', {
      token: form.token!,
      username: 'root',
      password: PASSWORD,
      password_again: PASSWORD,
    })
    expect(noCsrf.status).toBe(403)
    const crossSite = await browser.request('/setup', {
      method: 'POST',
      body: new URLSearchParams({ ...form, username: 'root', password: PASSWORD, password_again: PASSWORD }),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'https://evil.example' },
    })
    expect(crossSite.status).toBe(403)
    expect(await server.provider.services.users.list()).toEqual([])
  })

  test('once an account exists no setup link is made and an earlier one stops working', async () => {
    await using server = await startServer()
    const path = await setupLink(server)
    await server.provider.services.users.create({ username: 'ops', password: PASSWORD, isAdmin: true })
    const lines: string[] = []
    await announceSetup(server.provider, { log: (_l, msg) => lines.push(msg) })
    expect(lines).toEqual([])
    expect(await server.provider.services.links.makeSetup()).toBeUndefined()
    const browser = new Browser(server.url)
    expect((await browser.get(path)).status).toBe(404)
    expect((await browser.get(`${path}&return_to=https://evil.example/`)).status).toBe(404)
  })

  test('the redirect after setup is always /admin, whatever return_to says (no open redirect)', async () => {
    await using server = await startServer()
    const path = await setupLink(server)
    const browser = new Browser(server.url)
    const { post } = await completeSetup(browser, `${path}&return_to=${encodeURIComponent('//evil.example')}`, {
      return_to: 'https://evil.example/',
    })
    expect(post.headers.get('location')).toBe('/admin')
  })

  test('latchkey user create --admin still makes the first administrator; serve then prints no link', async () => {
    await using server = await startServer()
    const { db, databaseUrl } = server.config
    const store = ['--db', db, ...(databaseUrl ? ['--database-url', databaseUrl] : [])]
    const made = await cli(['user', 'create', '--username', 'root', '--admin', '--password-stdin', ...store], {
      stdin: `${PASSWORD}\n`,
    })
    expect(made.code).toBe(0)
    expect(await server.provider.services.links.makeSetup()).toBeUndefined()
  })
})
