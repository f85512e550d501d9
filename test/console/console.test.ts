/**
 * Issue 17, "Tested as a person would": the admin console at /admin driven in a real Chromium against a
 * real server on 127.0.0.1. Every test also checks that the page broke no CSP rule and reached no other
 * host. Waits are for elements, URLs and responses only (see test/helpers/chromium.ts).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Browser } from '../helpers/browser.ts'
import type { Page } from 'playwright-core'
import { BROWSER_TEST_TIMEOUT_MS, browserSuite, openScreen, signIn } from '../helpers/chromium.ts'
import { PASSWORD } from '../helpers/fixtures.ts'
import { basic, postForm } from '../helpers/oauth.ts'
import { startServer, type TestServer } from '../helpers/server.ts'

const chrome = browserSuite('issue 17: the admin console in Chromium')
const HAS_OVERVIEW_API = readFileSync(join(import.meta.dir, '../../schema.graphql'), 'utf8').includes('  overview(')

describe.skipIf(!chrome.available)('issue 17: the admin console in a real Chromium', () => {
  let server: TestServer
  const wikiClientId = async () =>
    (
      await server.db
        .selectFrom('applications')
        .select('client_id')
        .where('name', '=', 'Wiki')
        .executeTakeFirstOrThrow()
    ).client_id
  beforeAll(async () => {
    server = await startServer({ socket: true }) // the browser is another process: it needs a real listener
    const users = server.provider.services.users
    await users.create({ username: 'root', password: PASSWORD, isAdmin: true })
    await users.create({ username: 'carol', email: 'carol@example.com', password: PASSWORD })
    await users.create({ username: 'reader', password: PASSWORD, isReadOnlyAdmin: true })
    await server.provider.services.applications.create({ name: 'Wiki', redirectUris: ['https://wiki.example/cb'] })
    await chrome.launch()
  }, BROWSER_TEST_TIMEOUT_MS)
  afterAll(async () => {
    await chrome.close()
    await server?.[Symbol.asyncDispose]()
  })

  test(
    'an administrator signs in through the login page and lands on the console',
    async () => {
      const tab = await chrome.open(server)
      await signIn(tab.page, 'root')
      expect(new URL(tab.page.url()).pathname).toBe('/admin')
      await tab.page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor()
      expect(await tab.page.locator('header .who').textContent()).toContain('root')
      expect(await tab.page.getByRole('navigation', { name: 'Console' }).getByRole('link').count()).toBeGreaterThan(6)
      tab.expectClean()
    },
    BROWSER_TEST_TIMEOUT_MS,
  )

  // The overview's counts and chart come from the API's `overview` query (issue 17, built beside the console).
  test.if(HAS_OVERVIEW_API)(
    'the overview shows the counts and draws sign-ins, tokens issued and failures per day as SVG',
    async () => {
      const tab = await chrome.open(server)
      await signIn(tab.page, 'root')
      await tab.page.locator('.chart svg[role="img"]').waitFor()
      expect(await tab.page.getByTestId('count-Users').textContent()).toBe('3')
      // Today is the last day: root's sign-ins (this test's and the ones before it) are counted there.
      const today = tab.page.locator('.chart svg[role="img"] rect.series-a').last().locator('title')
      expect(await today.textContent()).toMatch(/: [1-9]\d* sign-ins$/)
      tab.expectClean()
    },
    BROWSER_TEST_TIMEOUT_MS,
  )

  test(
    'an API error is shown beside the field it names, and nothing is created',
    async () => {
      const tab = await chrome.open(server)
      const { page } = tab
      await signIn(page, 'root')
      await openScreen(page, 'applications')
      await page.getByRole('button', { name: 'New application' }).click()
      const dialog = page.getByRole('dialog', { name: 'New application' })
      await dialog.getByLabel('Name', { exact: true }).fill('Broken')
      await dialog.getByLabel('Redirect URIs').fill('not a url')
      await dialog.getByRole('button', { name: 'Create application' }).click()
      const error = dialog.locator('[data-field-error="redirectUris"]')
      await error.waitFor()
      expect((await error.textContent())!.length).toBeGreaterThan(0)
      expect(await error.textContent()).not.toContain('{')
      const input = dialog.getByLabel('Redirect URIs')
      expect(await input.getAttribute('aria-invalid')).toBe('true')
      expect(await input.getAttribute('aria-describedby')).toContain('redirectUris-error')
      await page.waitForFunction(() => document.activeElement?.getAttribute('name') === 'redirectUris')
      const names = await server.db.selectFrom('applications').select('name').execute()
      expect(names.map((r) => r.name)).not.toContain('Broken')
      tab.expectClean()
    },
    BROWSER_TEST_TIMEOUT_MS,
  )

  test(
    'creating an application shows its secret once; the copied secret works at the token endpoint; revoking the ' +
      'token in the console makes introspection say inactive',
    async () => {
      const tab = await chrome.open(server)
      const { page } = tab
      await signIn(page, 'root')
      await openScreen(page, 'applications')
      await page.getByRole('button', { name: 'New application' }).click()
      const dialog = page.getByRole('dialog', { name: 'New application' })
      await dialog.getByLabel('Name', { exact: true }).fill('Build robot')
      await dialog.getByLabel('Redirect URIs').fill('https://robot.example/cb')
      await dialog.getByLabel(/Client credentials/).check()
      await dialog.getByLabel('Allowed scopes').fill('openid read_user')
      await dialog.getByLabel(/May introspect/).check()
      await dialog.getByRole('button', { name: 'Create application' }).click()
      const done = page.getByRole('dialog', { name: 'Build robot is registered' })
      const shown = (await done.getByTestId('secret').textContent())!.trim()
      const clientId = (await done.getByTestId('client-id').textContent())!.trim()
      expect(shown).toStartWith('lkcs_')
      await done.getByRole('button', { name: 'Copy' }).click()
      await done.getByRole('button', { name: 'Copied' }).waitFor()
      const copied = await page.evaluate(() => navigator.clipboard.readText())
      expect(copied).toBe(shown)
      await done.getByRole('button', { name: 'Done' }).click()
      await page.getByRole('link', { name: 'Build robot' }).waitFor()

      // The copied secret is the application's: it gets a token, and the token is live.
      const client = { clientId, secret: copied, redirectUri: '' }
      const issued = await postForm(server.url, '/oauth/token', client, {
        grant_type: 'client_credentials',
        scope: 'read_user',
      })
      expect(issued.status).toBe(200)
      const { access_token } = (await issued.json()) as { access_token: string }
      const introspect = async () =>
        (await (
          await fetch(`${server.url}/oauth/introspect`, {
            method: 'POST',
            headers: { Authorization: basic(clientId, copied), 'Content-Type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ token: access_token }),
          })
        ).json()) as { active: boolean }
      expect((await introspect()).active).toBe(true)

      // Revoke it from Grants & tokens, filtered by the application.
      await openScreen(page, `tokens?application=${encodeURIComponent(clientId)}`)
      const row = page.locator(`tr[data-token$="${access_token.slice(-4)}"]`)
      await row.getByRole('button', { name: /Revoke/ }).click()
      await page
        .getByRole('dialog', { name: 'Revoke this token?' })
        .getByRole('button', { name: 'Revoke token' })
        .click()
      await page.getByTestId('status').filter({ hasText: 'The token was revoked.' }).waitFor()
      expect((await introspect()).active).toBe(false)
      tab.expectClean()
    },
    BROWSER_TEST_TIMEOUT_MS,
  )

  test(
    'a user locked out by failed sign-ins is unlocked from the console and can sign in again',
    async () => {
      const person = new Browser(server.url)
      for (let i = 0; i < 10; i++) await person.login('carol', 'wrong password')
      expect((await person.login('carol', PASSWORD)).status).not.toBe(303)

      const tab = await chrome.open(server)
      const { page } = tab
      await signIn(page, 'root')
      await openScreen(page, 'users/carol')
      await page
        .getByTestId('user-state')
        .getByText(/sign-in locked for \d+ min/)
        .waitFor()
      await page.getByRole('button', { name: 'Unlock sign-in' }).click()
      await page.getByTestId('status').filter({ hasText: 'carol may sign in again.' }).waitFor()
      expect((await person.login('carol', PASSWORD)).status).toBe(303)
      await page.getByRole('button', { name: 'Unlock sign-in' }).waitFor({ state: 'detached' })
      expect(await page.getByTestId('user-state').textContent()).not.toContain('locked')
      tab.expectClean()
    },
    BROWSER_TEST_TIMEOUT_MS,
  )

  test(
    'a read-only administrator sees every screen and no control that changes anything',
    async () => {
      const tab = await chrome.open(server)
      const { page } = tab
      await signIn(page, 'reader')
      await page.locator('header .who .tag', { hasText: 'read-only' }).waitFor()
      const writeButtons = /New |Edit|Delete|Revoke|Rotate|Unlock|Disable|Enable|Set password|Make|Import|Add/
      for (const route of [
        'applications',
        `applications/${await wikiClientId()}`,
        'users',
        'users/carol',
        'groups',
        'scopes',
        'tokens',
        'keys',
        'audit',
        'resources',
        'registration',
      ]) {
        await openScreen(page, route)
        await page.locator('main table, main .empty, main dl').first().waitFor()
        expect(await page.locator('main').getByRole('button', { name: writeButtons }).count()).toBe(0)
      }
      tab.expectClean()
    },
    BROWSER_TEST_TIMEOUT_MS,
  )

  test(
    'dialogs work from the keyboard: focus moves in, Escape closes, focus returns to the opener',
    async () => {
      const tab = await chrome.open(server)
      const { page } = tab
      await signIn(page, 'root')
      await openScreen(page, 'applications')
      const opener = page.getByRole('button', { name: 'New application' })
      await opener.focus()
      await page.keyboard.press('Enter')
      const dialog = page.getByRole('dialog', { name: 'New application' })
      await dialog.waitFor()
      await page.waitForFunction(() => !!document.activeElement?.closest('dialog'))
      await page.keyboard.press('Escape')
      await dialog.waitFor({ state: 'detached' })
      await page.waitForFunction(() => document.activeElement?.textContent === 'New application')
      tab.expectClean()
    },
    BROWSER_TEST_TIMEOUT_MS,
  )

  test(
    'the audit log filters by event and by UTC days',
    async () => {
      const tab = await chrome.open(server)
      const { page } = tab
      await signIn(page, 'root')
      const today = new Date().toISOString().slice(0, 10)
      await openScreen(page, `audit?type=session.started&from=${today}&to=${today}`)
      await page.locator('main tbody tr').first().waitFor()
      expect(await page.locator('main tbody code').allTextContents()).toEqual(
        expect.arrayContaining(['session.started']),
      )
      expect(new Set(await page.locator('main tbody code').allTextContents())).toEqual(new Set(['session.started']))
      await openScreen(page, 'audit?from=2001-01-01&to=2001-01-02')
      await page.getByText('No events match these filters.').waitFor()
      tab.expectClean()
    },
    BROWSER_TEST_TIMEOUT_MS,
  )

  test(
    'when the session ends, the next API call sends the browser to the login page',
    async () => {
      const tab = await chrome.open(server)
      const { page } = tab
      await signIn(page, 'root')
      await tab.context.clearCookies()
      await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Users' }).click()
      await page.waitForURL(/\/login\?return_to=%2Fadmin|\/login\?return_to=\/admin/)
      tab.expectClean()
    },
    BROWSER_TEST_TIMEOUT_MS,
  )
  test(
    'issue 17: the administrator makes a password-reset link in the console; in another browser the user opens ' +
      'it, sets a password and signs in with it',
    async () => {
      await server.provider.services.users.create({ username: 'dave', password: PASSWORD })
      const tab = await chrome.open(server)
      const { page } = tab
      await signIn(page, 'root')
      await openScreen(page, 'users/dave')
      await page.getByRole('button', { name: 'Make a password-reset link' }).click()
      const dialog = page.getByRole('dialog', { name: 'Password-reset link for dave' })
      await dialog.getByRole('button', { name: 'Make link' }).click()
      const url = (await dialog.getByTestId('secret').textContent())!.trim()
      expect(new URL(url).pathname).toBe('/account/reset')
      await dialog.getByRole('button', { name: 'Copy' }).click()
      await dialog.getByRole('button', { name: 'Copied' }).waitFor()
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url)
      await dialog.getByRole('button', { name: 'Done' }).click()
      await dialog.waitFor({ state: 'detached' })

      const other = await chrome.open(server)
      await setPasswordThroughLink(other.page, url, 'dave', 'a brand new passphrase')
      other.expectClean()
      tab.expectClean()
    },
    BROWSER_TEST_TIMEOUT_MS,
  )

  test(
    'issue 17: a user created without a password is an invitation: the console shows its link at once',
    async () => {
      const tab = await chrome.open(server)
      const { page } = tab
      await signIn(page, 'root')
      await openScreen(page, 'users')
      await page.getByRole('button', { name: 'New user' }).click()
      const dialog = page.getByRole('dialog', { name: 'New user' })
      await dialog.getByLabel('Username').fill('erin')
      await dialog.getByRole('button', { name: 'Create user' }).click()
      const url = (await dialog.getByTestId('secret').textContent())!.trim()
      await dialog.getByRole('button', { name: 'Done' }).click()
      await page.getByRole('link', { name: 'erin' }).waitFor()

      const other = await chrome.open(server)
      await setPasswordThroughLink(other.page, url, 'erin', 'invited and welcome')
      other.expectClean()
      tab.expectClean()
    },
    BROWSER_TEST_TIMEOUT_MS,
  )
  test(
    'RFC 8707: a resource is registered from the console; an unknown scope is shown beside the Scopes field',
    async () => {
      const tab = await chrome.open(server)
      const { page } = tab
      await signIn(page, 'root')
      await openScreen(page, 'resources')
      await page.getByRole('button', { name: 'New resource' }).click()
      const dialog = page.getByRole('dialog', { name: 'New resource' })
      await dialog.getByLabel('Name', { exact: true }).fill('ledger')
      await dialog.getByLabel('URI').fill('https://ledger.example/api')
      await dialog.getByLabel('Scopes').fill('no_such_scope')
      await dialog.getByRole('button', { name: 'Create resource' }).click()
      const error = dialog.locator('[data-field-error="scopes"]')
      await error.waitFor()
      expect(await error.textContent()).toContain('no_such_scope')
      expect(await server.db.selectFrom('resources').select('name').execute()).toEqual([])
      await dialog.getByLabel('Scopes').fill('profile')
      await dialog.getByLabel('Token format').selectOption('JWT')
      await dialog.getByLabel(/lifetime/).fill('600')
      await dialog.getByRole('button', { name: 'Create resource' }).click()
      await dialog.waitFor({ state: 'detached' })
      const row = page.locator('main tbody tr', { hasText: 'ledger' })
      await row.waitFor()
      expect(await row.textContent()).toContain('https://ledger.example/api')
      expect(await row.textContent()).toContain('JWT')
      expect(await row.textContent()).toContain('600 s')
      tab.expectClean()
    },
    BROWSER_TEST_TIMEOUT_MS,
  )

  test(
    'RFC 7591 §3: a registration token is made from the console and shown once; an unknown scope ceiling is ' +
      'shown beside its field',
    async () => {
      const tab = await chrome.open(server)
      const { page } = tab
      await signIn(page, 'root')
      await openScreen(page, 'registration')
      await page.getByRole('button', { name: 'New registration token' }).click()
      const dialog = page.getByRole('dialog', { name: 'New registration token' })
      await dialog.getByLabel('For').fill('deploy script')
      await dialog.getByLabel('Scopes at most').fill('openid nonsense')
      await dialog.getByRole('button', { name: 'Make token' }).click()
      const error = dialog.locator('[data-field-error="scopes"]')
      await error.waitFor()
      expect(await error.textContent()).toContain('nonsense')
      await dialog.getByLabel('Scopes at most').fill('openid profile')
      await dialog.getByLabel('Registrations it may make').fill('3')
      await dialog.getByRole('button', { name: 'Make token' }).click()
      const value = (await dialog.getByTestId('secret').textContent())!.trim()
      expect(value.length).toBeGreaterThan(20)
      await dialog.getByRole('button', { name: 'Done' }).click()
      const row = page.locator('main tbody tr', { hasText: 'deploy script' })
      await row.waitFor()
      expect(await row.textContent()).toContain('0 of 3')
      expect(await row.textContent()).toContain(value.slice(-4))
      expect(await row.textContent()).not.toContain(value)
      tab.expectClean()
    },
    BROWSER_TEST_TIMEOUT_MS,
  )
})

/** Opens a reset (or invitation) link, chooses a password, then signs in with it on the login page. */
async function setPasswordThroughLink(page: Page, url: string, username: string, password: string) {
  await page.goto(url)
  await page.getByText(username, { exact: true }).waitFor()
  await page.getByLabel('New password', { exact: true }).fill(password)
  await page.getByLabel('New password again').fill(password)
  await page.getByRole('button', { name: 'Set password' }).click()
  await page.getByRole('heading', { name: 'Password set' }).waitFor()
  await page.goto('/login')
  await page.getByLabel(/username/i).fill(username)
  await page.getByLabel(/password/i).fill(password)
  await Promise.all([
    page.waitForURL((u) => !u.pathname.startsWith('/login')),
    page.getByRole('button', { name: /sign in|log in/i }).click(),
  ])
  expect(await page.content()).toContain(username)
}
