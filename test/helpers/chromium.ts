/**
 * A real Chromium for the admin console's tests (issue 17): Debian's `chromium` driven by playwright-core.
 *
 *   const chrome = browserSuite('console: applications')   // once per file, at the top
 *   describe.skipIf(!chrome.available)(..., () => {
 *     beforeAll(() => chrome.launch())  afterAll(() => chrome.close())
 *     test(..., async () => {
 *       const tab = await chrome.open(server)           // a fresh context: its own cookies
 *       await signIn(tab.page, 'root')                   // Latchkey's login page, then /admin
 *       ...
 *       tab.expectClean()                                // no CSP violation, no request off 127.0.0.1
 *     })
 *   })
 *
 * Without chromium the files skip, loudly; LATCHKEY_REQUIRE_BROWSER=1 (CI) makes its absence a failure.
 * Nothing here waits a fixed time: every wait is for an element, a URL or a response, with a generous
 * bound that catches a hang, not a slow machine.
 */
import { expect, test } from 'bun:test'
import { existsSync } from 'node:fs'
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'
import { PASSWORD } from './fixtures.ts'

/** Generous: a loaded 2-core machine runs Argon2id logins and a browser at once. */
export const UI_TIMEOUT_MS = 20_000
export const BROWSER_TEST_TIMEOUT_MS = 120_000

export const REQUIRED = process.env.LATCHKEY_REQUIRE_BROWSER === '1'

/** Debian's chromium binary (the /usr/bin/chromium wrapper execs it), or LATCHKEY_CHROMIUM. */
export function chromiumPath(): string | undefined {
  const candidates = [process.env.LATCHKEY_CHROMIUM, '/usr/lib/chromium/chromium', Bun.which('chromium')]
  return candidates.find((p): p is string => !!p && existsSync(p))
}

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
]

export interface Tab {
  page: Page
  context: BrowserContext
  /** Console messages that report a Content-Security-Policy violation, and page errors. */
  problems: string[]
  /** Requests that went anywhere but 127.0.0.1. */
  offHost: string[]
  /** Fails the test when the page broke the CSP, threw, or reached another host. */
  expectClean(): void
}

export interface BrowserSuite {
  available: boolean
  launch(): Promise<void>
  close(): Promise<void>
  open(server: { url: string }, options?: { colorScheme?: 'light' | 'dark' }): Promise<Tab>
}

/**
 * One browser per test file; each `open` is a fresh context (cookies, storage) on the server's origin.
 * Registers a test that fails when chromium is required (CI) and missing.
 */
export function browserSuite(label: string): BrowserSuite {
  const chrome = chromiumSession()
  if (!chrome.available)
    console.warn(
      REQUIRED
        ? `${label}: chromium is not installed, and LATCHKEY_REQUIRE_BROWSER=1 requires it`
        : `SKIPPED: ${label}: chromium is not installed (apt-get install chromium); the browser tests did not run`,
    )
  test.if(REQUIRED)(`${label}: chromium is installed (LATCHKEY_REQUIRE_BROWSER=1)`, () => {
    expect(chrome.available).toBe(true)
  })
  return chrome
}

/** The browser itself, for scripts outside the test runner too (scripts/screenshots.ts). */
export function chromiumSession(): BrowserSuite {
  const path = chromiumPath()
  let browser: Browser | undefined
  const contexts: BrowserContext[] = []
  return {
    available: !!path,
    async launch() {
      browser = await chromium.launch({
        executablePath: path,
        headless: true,
        args: CHROMIUM_FLAGS,
        timeout: 60_000,
      })
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => {})
      await browser?.close()
    },
    async open(server, options = {}) {
      if (!browser) throw new Error('browserSuite: call launch() in beforeAll first')
      const origin = new URL(server.url).origin
      const context = await browser.newContext({
        baseURL: origin,
        viewport: { width: 1280, height: 860 },
        colorScheme: options.colorScheme ?? 'light',
        locale: 'en-GB',
        timezoneId: 'UTC',
      })
      contexts.push(context)
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin })
      context.setDefaultTimeout(UI_TIMEOUT_MS)
      const page = await context.newPage()
      const problems: string[] = []
      const offHost: string[] = []
      page.on('console', (m) => {
        if (/Content[- ]Security[- ]Policy|Refused to/i.test(m.text())) problems.push(`console: ${m.text()}`)
      })
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
      context.on('request', (r) => {
        const url = new URL(r.url())
        if (url.protocol !== 'data:' && url.protocol !== 'about:' && url.hostname !== '127.0.0.1') offHost.push(r.url())
      })
      return {
        page,
        context,
        problems,
        offHost,
        expectClean() {
          if (problems.length || offHost.length)
            throw new Error(`the page broke its CSP or left 127.0.0.1: ${JSON.stringify({ problems, offHost })}`)
        },
      }
    },
  }
}

/**
 * Signs in through Latchkey's own login page, the way /admin sends a signed-out visitor there, and waits
 * for the console's first screen.
 */
export async function signIn(page: Page, username: string, password = PASSWORD): Promise<void> {
  await page.goto('/admin')
  await page.waitForURL(/\/login/)
  await page.getByLabel(/username/i).fill(username)
  await page.getByLabel(/password/i).fill(password)
  await Promise.all([page.waitForURL(/\/admin/), page.getByRole('button', { name: /sign in|log in/i }).click()])
  await consoleReady(page)
}

/** Waits until a console screen has rendered its heading and finished loading. */
export async function consoleReady(page: Page): Promise<void> {
  await page.locator('main h1').first().waitFor()
  await page.locator('main [aria-busy="true"]').waitFor({ state: 'detached' })
}

/** Opens a console screen by its hash route (e.g. 'applications') and waits for it. */
export async function openScreen(page: Page, route: string): Promise<void> {
  await page.goto(`/admin#/${route}`)
  await consoleReady(page)
}
