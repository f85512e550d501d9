/**
 * Security case L.66 (docs/security.md): brute force at the login page (POST /login)
 * and answers that do not tell who exists.
 */
import { describe, expect, test } from 'bun:test'
import { Browser, formFields } from '../helpers/browser.ts'
import { PASSWORD } from '../helpers/fixtures.ts'
import { testClock } from '../helpers/server.ts'
import { setup } from '../helpers/flows.ts'

/** A fresh browser that loads the login form, then posts these credentials to it. */
async function attempt(
  base: string,
  username: string,
  password: string,
): Promise<{
  status: number
  retryAfter: string | null
  contentType: string | null
  setCookie: boolean
  page: string
}> {
  const browser = new Browser(base)
  const form = formFields(await (await browser.get('/login?return_to=%2Faccount')).text())
  const res = await browser.post('/login', { ...form, username, password })
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    contentType: res.headers.get('content-type'),
    setCookie: res.headers.getSetCookie().length > 0,
    page: await res.text(),
  }
}

/** The page with what legitimately differs masked: the CSRF token and the echo of the typed username. */
function masked(page: string, username: string): string {
  return page
    .replace(/name="csrf_token" value="[^"]*"/g, 'name="csrf_token" value="…"')
    .replaceAll(`value="${username}"`, 'value="…"')
}

describe('L.66 login brute force', () => {
  test(
    'RFC 6819 §4.4.3.6, §5.1.4.2.3: wrong password and unknown user (and a disabled account) ' +
      'get the identical answer in status, headers and body',
    async () => {
      const env = await setup()
      await using _ = env.server
      await env.server.provider.services.users.create({ username: 'dora', password: PASSWORD })
      await env.server.provider.services.users.disable('dora')
      const cases: Array<[string, string]> = [
        ['alice', 'not the password'],
        ['nobody-here', PASSWORD],
        ['dora', PASSWORD],
      ]
      const answers = []
      for (const [username, password] of cases) {
        const a = await attempt(env.server.url, username, password)
        answers.push({ ...a, page: masked(a.page, username) })
      }
      expect(answers[0]!.status).toBe(401)
      expect(answers[0]!.page).toContain('Invalid username or password.')
      expect(answers[0]!.setCookie).toBe(false)
      for (const a of answers) expect(a).toEqual(answers[0]!)
    },
  )

  test(
    'RFC 6749 §4.3.2; RFC 6819 §4.4.3.6: 10 wrong passwords for alice → 429 with Retry-After, ' +
      'even for the right password, until the window ends; bob is unaffected',
    async () => {
      const clock = testClock()
      const env = await setup({ clock })
      await using _ = env.server
      for (let i = 0; i < 10; i++) expect((await attempt(env.server.url, 'alice', `wrong-${i}`)).status).toBe(401)
      const locked = await attempt(env.server.url, 'alice', PASSWORD)
      expect(locked.status).toBe(429)
      expect(Number(locked.retryAfter)).toBeGreaterThan(0)
      expect(Number(locked.retryAfter)).toBeLessThanOrEqual(15 * 60)
      expect(locked.setCookie).toBe(false) // no session
      expect(locked.page).toContain('Too many failed sign-in attempts')
      // the username is the bucket: bob, from the same address, still signs in
      expect((await attempt(env.server.url, 'bob', PASSWORD)).status).toBe(303)
      clock.advance(15 * 60 + 1)
      const after = await attempt(env.server.url, 'alice', PASSWORD)
      expect(after.status).toBe(303)
      expect(after.setCookie).toBe(true)
    },
  )

  test('RFC 6819 §4.4.3.6: a locked unknown username answers exactly like a locked alice', async () => {
    // A still clock: both windows open at the same second, so Retry-After matches too.
    const env = await setup({ clock: testClock() })
    await using _ = env.server
    for (const username of ['alice', 'nobody-here'])
      for (let i = 0; i < 10; i++) await attempt(env.server.url, username, `wrong-${i}`)
    const real = await attempt(env.server.url, 'alice', PASSWORD)
    const ghost = await attempt(env.server.url, 'nobody-here', PASSWORD)
    expect(real.status).toBe(429)
    expect({ ...ghost, page: masked(ghost.page, 'nobody-here') }).toEqual({
      ...real,
      page: masked(real.page, 'alice'),
    })
  })

  test('RFC 6819 §5.1.4.2.3: 50 failures from one address over many usernames → 429 for any username', async () => {
    const env = await setup()
    await using _ = env.server
    for (let i = 0; i < 50; i++) expect((await attempt(env.server.url, `spray-${i}`, 'Winter2026!')).status).toBe(401)
    const res = await attempt(env.server.url, 'bob', PASSWORD)
    expect(res.status).toBe(429)
    expect(Number(res.retryAfter)).toBeGreaterThan(0)
  })
})
