/**
 * Issue 17: what the admin console needs from the API that it lacked: the overview (counts, and
 * sign-ins, tokens issued and failures per UTC day, zero-filled), whether a user's sign-in is locked
 * out (and unlocking it), and searching users.
 */
import { describe, expect, test } from 'bun:test'
import { Browser } from '../helpers/browser.ts'
import { machineClient } from '../helpers/faults.ts'
import { PASSWORD } from '../helpers/fixtures.ts'
import { postForm } from '../helpers/oauth.ts'
import { startServer } from '../helpers/server.ts'
import { gql, ok, seedAdminWorld } from './support.ts'

const OVERVIEW = `query($days: Int) { overview(days: $days) { applications users groups activeTokens
  days { date signIns signInFailures tokensIssued tokenFailures failures } } }`

async function world() {
  const server = await startServer()
  return Object.assign(server, { w: await seedAdminWorld(server.provider.services) })
}

describe('issue 17: the overview query', () => {
  test('counts, and per-day sign-ins, tokens issued and failures, today last, zero-filled', async () => {
    await using server = await world()
    const s = server.provider.services
    await s.groups.create({ name: 'devs' })
    const browser = new Browser(server.url)
    expect((await browser.login('alice')).status).toBe(303)
    expect((await browser.login('bob')).status).toBe(303)
    expect((await new Browser(server.url).login('alice', 'wrong password')).status).toBe(401)
    const bot = await machineClient(s)
    expect((await postForm(server.url, '/oauth/token', bot, { grant_type: 'client_credentials' })).status).toBe(200)
    const wrong = { ...bot, secret: 'not-the-secret' }
    expect((await postForm(server.url, '/oauth/token', wrong, { grant_type: 'client_credentials' })).status).toBe(401)
    expect((await postForm(server.url, '/oauth/token', bot, { grant_type: 'password' })).status).toBe(400)

    const d = await ok(server, server.w.tokens.admin, OVERVIEW, { days: 7 })
    expect(d.overview).toMatchObject({ applications: 3, users: 3, groups: 1 })
    // seedAdminWorld's 8 personal tokens and the bot's access token.
    expect(d.overview.activeTokens).toBe(9)
    const days = d.overview.days
    expect(days.length).toBe(7)
    const today = new Date().toISOString().slice(0, 10)
    expect(days[6]).toEqual({
      date: today,
      signIns: 2,
      signInFailures: 1,
      tokensIssued: 1,
      tokenFailures: 2,
      failures: 3,
    })
    expect(days[0].date).toBe(new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 10))
    for (const day of days.slice(0, 6)) expect(day).toMatchObject({ signIns: 0, tokensIssued: 0, failures: 0 })
    // The default is 14 days.
    expect((await ok(server, server.w.tokens.admin, OVERVIEW)).overview.days.length).toBe(14)
  })

  test('admin:read may read it; a viewer is FORBIDDEN; days outside 1..90 are BAD_USER_INPUT', async () => {
    await using server = await world()
    expect((await ok(server, server.w.tokens.adminRead, OVERVIEW, { days: 90 })).overview.days.length).toBe(90)
    const viewer = await gql(server, server.w.tokens.alice, OVERVIEW)
    expect(viewer.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
    for (const days of [0, 91, -1]) {
      const r = await gql(server, server.w.tokens.admin, OVERVIEW, { days })
      expect(r.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'days' })
    }
  })
})

describe('issue 17: a locked sign-in, seen and lifted from the API', () => {
  test('User.signInLockedFor counts down after 10 failures; clearUserSignInLockout lifts it', async () => {
    await using server = await world()
    for (let i = 0; i < 10; i++) await new Browser(server.url).login('alice', 'wrong password')
    expect((await new Browser(server.url).login('alice', PASSWORD)).status).toBe(429)
    const q = '{ user(username: "alice") { id signInLockedFor } }'
    const locked = (await ok(server, server.w.tokens.admin, q)).user
    expect(locked.signInLockedFor).toBeGreaterThan(0)
    const m = await ok(
      server,
      server.w.tokens.admin,
      'mutation($id: ID!) { clearUserSignInLockout(input: {id: $id}) ' +
        '{ __typename ... on UserPayload { user { signInLockedFor } } } }',
      { id: locked.id },
    )
    expect(m.clearUserSignInLockout.user.signInLockedFor).toBe(0)
    expect((await new Browser(server.url).login('alice', PASSWORD)).status).toBe(303)
    const events = await ok(
      server,
      server.w.tokens.admin,
      '{ auditEvents(first: 5, type: "user.lockout_cleared") { edges { node { type } } } }',
    )
    expect(events.auditEvents.edges.length).toBe(1)
  })
})

describe('issue 17: users(search:)', () => {
  test('matches part of the username, e-mail or name in any case; % and _ are literal', async () => {
    await using server = await world()
    const q = 'query($s: String) { users(first: 10, search: $s) { edges { node { username } } } }'
    const names = async (s: string) =>
      (await ok(server, server.w.tokens.admin, q, { s })).users.edges.map((e: any) => e.node.username).sort()
    expect(await names('ALI')).toEqual(['alice'])
    expect(await names('example.com')).toEqual(['alice', 'bob'])
    expect(await names('%')).toEqual([])
    expect(await names('_')).toEqual([])
  })
})

describe('issue 17: auditEvents(since:, until:)', () => {
  test('filters by instant (ISO 8601); a malformed instant is refused', async () => {
    await using server = await world()
    const q =
      'query($since: DateTime, $until: DateTime) { auditEvents(first: 50, since: $since, until: $until) ' +
      '{ edges { node { type createdAt } } } }'
    const count = async (v: Record<string, string>) =>
      (await ok(server, server.w.tokens.admin, q, v)).auditEvents.edges.length
    const all = await count({})
    expect(all).toBeGreaterThan(0)
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString()
    const inAnHour = new Date(Date.now() + 3_600_000).toISOString()
    expect(await count({ since: hourAgo })).toBe(all)
    expect(await count({ since: inAnHour })).toBe(0)
    expect(await count({ until: hourAgo })).toBe(0)
    expect(await count({ since: hourAgo.slice(0, 10), until: inAnHour })).toBe(all)
    for (const since of ['yesterday', '2026-13-45T00:00:00Z', ''])
      expect((await gql(server, server.w.tokens.admin, q, { since })).body.errors?.length).toBeGreaterThan(0)
  })
})
