/**
 * Issue 17: an administrator's one-time password-reset link (valid 24 hours, usable once, a new one
 * ends the old, stored as its SHA-256): at /account/reset the user sets a password, every session of
 * theirs ends and a sign-in lockout is lifted. Made through GraphQL's createPasswordResetLink (for
 * administrators only) as by `latchkey user reset-link`. OWASP Forgot Password Cheat Sheet: random,
 * single use, expiring, stored hashed, not logged.
 */
import { describe, expect, test } from 'bun:test'
import { sha256Hex } from '../../src/crypto/secrets.ts'
import { Browser, formFields } from '../helpers/browser.ts'
import { PASSWORD } from '../helpers/fixtures.ts'
import { startServer, type TestServer } from '../helpers/server.ts'
import { globalId, gql, seedAdminWorld } from '../graphql/support.ts'

const NEW_PASSWORD = 'a whole new password'

function pathOf(server: TestServer, url: string): string {
  expect(url.startsWith(`${server.config.issuer}/account/reset?token=lkrl_`)).toBe(true)
  return url.slice(server.config.issuer.length)
}

async function useLink(browser: Browser, path: string, password = NEW_PASSWORD, again = password) {
  const page = await browser.get(path)
  expect(page.status).toBe(200)
  const form = formFields(await page.text())
  return browser.post('/account/reset', { ...form, password, password_again: again })
}

describe('issue 17: password-reset links', () => {
  test('createPasswordResetLink: the URL once; the user sets a password; sessions end; lockout lifted', async () => {
    await using server = await startServer()
    const w = await seedAdminWorld(server.provider.services)
    const signedIn = new Browser(server.url)
    expect((await signedIn.login('alice', PASSWORD)).status).toBe(303)
    for (let i = 0; i < 10; i++) await new Browser(server.url).login('alice', 'wrong password')
    expect(await server.provider.services.users.lockedFor('alice')).toBeGreaterThan(0)
    const res = await gql(
      server,
      w.tokens.admin,
      `mutation($id: ID!) { createPasswordResetLink(input: { id: $id }) { __typename
        ... on CreatePasswordResetLinkPayload { url expiresAt user { username } } } }`,
      { id: globalId('User', w.alice.id) },
    )
    const payload = res.body.data.createPasswordResetLink
    expect(payload.__typename).toBe('CreatePasswordResetLinkPayload')
    expect(payload.user.username).toBe('alice')
    const path = pathOf(server, payload.url)
    const token = new URL(payload.url).searchParams.get('token')!
    const [row] = await server.db.selectFrom('one_time_links').selectAll().execute()
    expect(row).toMatchObject({ purpose: 'password_reset', user_id: w.alice.id, created_by: w.root.id })
    expect(row!.token_hash).toBe(sha256Hex(token))
    expect(row!.expires_at - row!.created_at).toBe(24 * 3600)

    const browser = new Browser(server.url)
    const page = await (await browser.get(path)).text()
    expect(page).toContain('<strong>alice</strong>')
    expect(page).not.toContain('<script')
    const done = await useLink(browser, path)
    expect(done.status).toBe(200)
    expect(await done.text()).toContain('Password set')
    expect((await signedIn.get('/account')).status).toBe(303)
    expect(await server.provider.services.users.lockedFor('alice')).toBe(0)
    expect((await new Browser(server.url).login('alice', NEW_PASSWORD)).status).toBe(303)
    // Used once: dead afterwards, even with the form already loaded.
    expect((await browser.get(path)).status).toBe(404)
    const types = (await server.db.selectFrom('audit_events').select('type').execute()).map((r) => r.type)
    expect(types).toContain('user.reset_link_created')
    expect(types).toContain('user.password_reset_by_link')
    expect(server.logs.join('\n')).not.toContain(token)
  })

  test('only administrators make links: admin:read and a user for themselves are refused', async () => {
    await using server = await startServer()
    const w = await seedAdminWorld(server.provider.services)
    const query = `mutation($id: ID!) { createPasswordResetLink(input: { id: $id }) { __typename
      ... on Error { message } } }`
    for (const token of [w.tokens.adminRead, w.tokens.alice, w.tokens.bobAdminScope]) {
      const res = await gql(server, token, query, { id: globalId('User', w.alice.id) })
      const typename = res.body.data?.createPasswordResetLink?.__typename
      expect(typename === 'ForbiddenError' || res.body.errors !== undefined).toBe(true)
    }
    expect(await server.db.selectFrom('one_time_links').selectAll().execute()).toEqual([])
  })

  test('a new link ends the old one; a link expires after 24 hours; a wrong token shows no form', async () => {
    let now = 1_900_000_000
    await using server = await startServer({ clock: { now: () => now } })
    const { users, links } = server.provider.services
    const alice = await users.create({ username: 'alice', password: PASSWORD })
    const first = pathOf(server, (await links.makeReset(alice.id)).url)
    const second = pathOf(server, (await links.makeReset(alice.id)).url)
    const browser = new Browser(server.url)
    expect((await browser.get(first)).status).toBe(404)
    expect((await browser.get('/account/reset')).status).toBe(404)
    expect((await browser.get('/account/reset?token=lkrl_nothing')).status).toBe(404)
    // A setup token is not a reset token.
    expect((await browser.get(second.replace('lkrl_', 'lksu_'))).status).toBe(404)
    const form = formFields(await (await browser.get(second)).text())
    now += 24 * 3600
    expect((await browser.get(second)).status).toBe(404)
    const late = await browser.post('/account/reset', { ...form, password: NEW_PASSWORD, password_again: NEW_PASSWORD })
    expect(late.status).toBe(404)
    expect((await new Browser(server.url).login('alice', PASSWORD)).status).toBe(303)
  })

  test('bad input: errors beside the field, the link still works, the password unchanged', async () => {
    await using server = await startServer()
    const { users, links } = server.provider.services
    const alice = await users.create({ username: 'alice', password: PASSWORD })
    const path = pathOf(server, (await links.makeReset(alice.id)).url)
    const browser = new Browser(server.url)
    const short = await useLink(browser, path, 'short')
    expect(short.status).toBe(400)
    expect(await short.text()).toContain('id="password-error"')
    const differ = await useLink(browser, path, NEW_PASSWORD, `${NEW_PASSWORD}!`)
    expect(await differ.text()).toContain('id="password_again-error"')
    const noCsrf = await browser.post('/account/reset', {
      token: new URL(path, server.url).searchParams.get('token')!,
      password: NEW_PASSWORD,
      password_again: NEW_PASSWORD,
    })
    expect(noCsrf.status).toBe(403)
    expect((await new Browser(server.url).login('alice', PASSWORD)).status).toBe(303)
    expect((await useLink(browser, path)).status).toBe(200)
  })

  test('two concurrent uses of one link: one sets the password, the other is refused', async () => {
    await using server = await startServer()
    const { users, links } = server.provider.services
    const alice = await users.create({ username: 'alice', password: PASSWORD })
    const path = pathOf(server, (await links.makeReset(alice.id)).url)
    const a = new Browser(server.url)
    const b = new Browser(server.url)
    const formA = formFields(await (await a.get(path)).text())
    const formB = formFields(await (await b.get(path)).text())
    const [ra, rb] = await Promise.all([
      a.post('/account/reset', { ...formA, password: 'first new password', password_again: 'first new password' }),
      b.post('/account/reset', { ...formB, password: 'second new password', password_again: 'second new password' }),
    ])
    expect([ra.status, rb.status].sort()).toEqual([200, 404])
    const winner = ra.status === 200 ? 'first new password' : 'second new password'
    expect((await new Browser(server.url).login('alice', winner)).status).toBe(303)
  })

  test('an invitation: createUser without a password, then its link; no sign-in before', async () => {
    await using server = await startServer()
    const w = await seedAdminWorld(server.provider.services)
    const made = await gql(
      server,
      w.tokens.admin,
      `mutation { createUser(input: { username: "carol", email: "carol@example.com" }) { __typename
        ... on UserPayload { user { id username } } } }`,
    )
    expect(made.body.data.createUser.__typename).toBe('UserPayload')
    // No password: the same answer as a wrong one (and the same Argon2id work).
    expect((await new Browser(server.url).login('carol', '')).status).toBe(401)
    expect((await new Browser(server.url).login('carol', '!')).status).toBe(401)
    const res = await gql(
      server,
      w.tokens.admin,
      `mutation($id: ID!) { createPasswordResetLink(input: { id: $id }) {
        ... on CreatePasswordResetLinkPayload { url } } }`,
      { id: made.body.data.createUser.user.id },
    )
    const browser = new Browser(server.url)
    expect((await useLink(browser, pathOf(server, res.body.data.createPasswordResetLink.url))).status).toBe(200)
    expect((await new Browser(server.url).login('carol', NEW_PASSWORD)).status).toBe(303)
  })
})
