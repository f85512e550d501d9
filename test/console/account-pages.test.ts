/**
 * Issue 17, "Tested as a person would": the server-rendered account pages (no script) driven in a real
 * Chromium: first-run setup from the link `latchkey serve` prints, changing one's own password (other
 * browsers are signed out), ending another session. Waits are for elements and URLs only.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Page } from 'playwright-core'
import { BROWSER_TEST_TIMEOUT_MS, browserSuite, consoleReady } from '../helpers/chromium.ts'
import { PASSWORD } from '../helpers/fixtures.ts'
import { startServer, type TestServer } from '../helpers/server.ts'

const chrome = browserSuite('issue 17: the account pages in Chromium')

/** Signs in on the login page the account page sends an anonymous browser to; lands on /account. */
async function signInToAccount(page: Page, username: string, password = PASSWORD): Promise<void> {
  await page.goto('/account')
  await page.waitForURL(/\/login/)
  await page.getByLabel(/username/i).fill(username)
  await page.getByLabel(/password/i).fill(password)
  await Promise.all([
    page.waitForURL((u) => u.pathname === '/account'),
    page.getByRole('button', { name: /sign in|log in/i }).click(),
  ])
}

/** The account pages work without script: none is on the page. */
async function expectNoScript(page: Page): Promise<void> {
  expect(await page.locator('script').count()).toBe(0)
}

describe.skipIf(!chrome.available)('issue 17: the account pages in a real Chromium', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startServer({ socket: true })
    await chrome.launch()
  }, BROWSER_TEST_TIMEOUT_MS)
  afterAll(async () => {
    await chrome.close()
    await server?.[Symbol.asyncDispose]()
  })

  test(
    'first run: the setup link creates the first administrator, who lands in the console',
    async () => {
      await using fresh = await startServer({ socket: true }) // an empty database
      const link = await fresh.provider.services.links.makeSetup()
      expect(link).toBeDefined()
      const tab = await chrome.open(fresh)
      const { page } = tab
      await page.goto(link!.url.slice(fresh.config.issuer.length))
      await page.getByRole('heading', { name: 'Set up Latchkey' }).waitFor()
      await expectNoScript(page)
      await page.getByLabel('Username').fill('founder')
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD)
      await page.getByLabel('Password again').fill(PASSWORD)
      await Promise.all([
        page.waitForURL((u) => u.pathname === '/admin'),
        page.getByRole('button', { name: 'Create administrator' }).click(),
      ])
      await consoleReady(page)
      expect(await page.locator('header .who').textContent()).toContain('founder')
      // Used once: opening it again shows no form.
      await page.goto(link!.url.slice(fresh.config.issuer.length))
      expect(await page.getByRole('button', { name: 'Create administrator' }).count()).toBe(0)
      tab.expectClean()
    },
    BROWSER_TEST_TIMEOUT_MS,
  )

  test(
    'changing one’s own password at /account/password signs out the other browser, not this one',
    async () => {
      await server.provider.services.users.create({ username: 'pat', password: PASSWORD })
      const here = await chrome.open(server)
      const elsewhere = await chrome.open(server)
      await signInToAccount(here.page, 'pat')
      await signInToAccount(elsewhere.page, 'pat')
      const { page } = here
      await page.goto('/account/password')
      await expectNoScript(page)
      // A mistake first: the error is shown beside the field, nothing changes.
      await page.getByLabel('Current password').fill('not my password')
      await page.getByLabel('New password', { exact: true }).fill('a much newer passphrase')
      await page.getByLabel('New password again').fill('a much newer passphrase')
      await page.getByRole('button', { name: 'Change password' }).click()
      await page.locator('#current_password-error').waitFor()
      await page.getByLabel('Current password').fill(PASSWORD)
      await page.getByLabel('New password', { exact: true }).fill('a much newer passphrase')
      await page.getByLabel('New password again').fill('a much newer passphrase')
      await page.getByRole('button', { name: 'Change password' }).click()
      await page.getByRole('status').waitFor()
      await elsewhere.page.goto('/account')
      await elsewhere.page.waitForURL(/\/login/)
      await page.goto('/account')
      expect(new URL(page.url()).pathname).toBe('/account')
      await signInToAccount(elsewhere.page, 'pat', 'a much newer passphrase')
      here.expectClean()
      elsewhere.expectClean()
    },
    BROWSER_TEST_TIMEOUT_MS,
  )

  test(
    'ending another session at /account/sessions signs that browser out',
    async () => {
      await server.provider.services.users.create({ username: 'quinn', password: PASSWORD })
      const here = await chrome.open(server)
      const elsewhere = await chrome.open(server)
      await signInToAccount(here.page, 'quinn')
      await signInToAccount(elsewhere.page, 'quinn')
      const { page } = here
      await page.goto('/account/sessions')
      await expectNoScript(page)
      expect(await page.locator('table.sessions tbody tr').count()).toBe(2)
      await page.getByRole('button', { name: 'End this session' }).click()
      await page.getByText('No other browser is signed in as you.').waitFor()
      expect(await page.locator('table.sessions tbody tr').count()).toBe(1)
      await elsewhere.page.goto('/account')
      await elsewhere.page.waitForURL(/\/login/)
      here.expectClean()
      elsewhere.expectClean()
    },
    BROWSER_TEST_TIMEOUT_MS,
  )
})
