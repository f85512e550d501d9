/**
 * Issue 17: `latchkey user reset-link --username U` prints a one-time password-reset link (the twin of
 * GraphQL's createPasswordResetLink, test/graphql/parity.test.ts), and `user create --no-password` makes
 * an account whose link is its invitation.
 */
import { describe, expect, test } from 'bun:test'
import { Browser, formFields } from '../helpers/browser.ts'
import { cli, startCliServer } from '../helpers/cli.ts'
import { PASSWORD } from '../helpers/fixtures.ts'

describe('issue 17: user reset-link and invitations at the command line', () => {
  test('reset-link prints the URL (text and --json); it works once; the previous link dies', async () => {
    await using lk = await startCliServer()
    expect((await lk.run(['user', 'create', '--username', 'alice', '--password-stdin'], `${PASSWORD}\n`)).code).toBe(0)
    // Without --issuer, links start with the default issuer (what serve would use on port 9000).
    const text = await lk.run(['user', 'reset-link', '--username', 'ALICE'])
    expect(text.code).toBe(0)
    const first = text.stdout.split('\n')[0]!
    expect(first).toMatch(/^http:\/\/localhost:9000\/account\/reset\?token=lkrl_[A-Za-z0-9_-]{43}$/)
    expect(text.stdout).toContain('for alice; works once, until ')
    const json = await lk.run(['user', 'reset-link', '--username', 'alice', '--json'])
    const link = json.json<{ username: string; url: string; expires_at: number }>()
    expect(link.username).toBe('alice')
    const browser = new Browser(lk.url)
    const path = (url: string) => url.slice(url.indexOf('/account/reset'))
    expect((await browser.get(path(first))).status).toBe(404)
    const page = await browser.get(path(link.url))
    expect(page.status).toBe(200)
    const done = await browser.post('/account/reset', {
      ...formFields(await page.text()),
      password: 'the password alice chose',
      password_again: 'the password alice chose',
    })
    expect(done.status).toBe(200)
    expect((await new Browser(lk.url).login('alice', 'the password alice chose')).status).toBe(303)
    expect((await browser.get(path(link.url))).status).toBe(404)
  })

  test('reset-link for an unknown user fails, naming --username, and makes no link', async () => {
    await using lk = await startCliServer()
    const res = await lk.run(['user', 'reset-link', '--username', 'nobody'])
    expect(res.code).not.toBe(0)
    expect(res.stdout).toBe('')
    expect(res.stderr).toContain('nobody')
  })

  test('user create --no-password: no sign-in until the invitation link is used', async () => {
    await using lk = await startCliServer()
    const made = await lk.run([
      'user',
      'create',
      '--username',
      'carol',
      '--email',
      'carol@example.com',
      '--no-password',
    ])
    expect(made.code).toBe(0)
    expect((await new Browser(lk.url).login('carol', PASSWORD)).status).toBe(401)
    const link = (await lk.run(['user', 'reset-link', '--username', 'carol', '--json'])).json<{ url: string }>()
    const browser = new Browser(lk.url)
    const page = await browser.get(link.url.slice(link.url.indexOf('/account/reset')))
    const done = await browser.post('/account/reset', {
      ...formFields(await page.text()),
      password: PASSWORD,
      password_again: PASSWORD,
    })
    expect(done.status).toBe(200)
    expect((await new Browser(lk.url).login('carol', PASSWORD)).status).toBe(303)
  })

  test('--no-password with --password-stdin contradicts; neither still asks for --password-stdin', async () => {
    const both = await cli(['user', 'create', '--username', 'x', '--no-password', '--password-stdin'], {
      stdin: `${PASSWORD}\n`,
    })
    expect(both.code).not.toBe(0)
    expect(both.stderr).toContain('contradict')
    const neither = await cli(['user', 'create', '--username', 'x'])
    expect(neither.code).not.toBe(0)
    expect(neither.stderr).toContain('--password-stdin')
  })

  test('--help lists reset-link and --no-password', async () => {
    expect((await cli(['user', '--help'])).stdout).toContain('reset-link --username U')
    expect((await cli(['user', 'create', '--help'])).stdout).toContain('--no-password')
    expect((await cli(['serve', '--help'])).stdout).toContain('setup link')
  })
})
