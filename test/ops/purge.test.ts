import { describe, expect, test } from 'bun:test'
import { sql } from 'kysely'
import { seed } from '../helpers/fixtures.ts'
import { startServer, testClock } from '../helpers/server.ts'
import { PURGE_GRACE_SECONDS, startPurger } from '../../src/services/operations/purge.ts'

const HOUR = 3600
const DAY = 86400

async function setup(config: Record<string, unknown> = {}) {
  const clock = testClock(1_800_000_000)
  const server = await startServer({ clock, config: { accessTokenTtl: HOUR, refreshTokenTtl: DAY, ...config } })
  const { services } = server.provider
  const f = await seed(services)
  const app = (await services.applications.findByClientId(f.C1.clientId))!
  const issue = (withRefresh = true) =>
    services.tokens.issue({
      application: app,
      userId: f.alice.id,
      scopes: ['openid'],
      withRefresh,
      authTime: clock.now(),
    })
  const rotate = (refresh: string) => services.tokens.rotateRefresh(refresh, app, (s) => s)
  // Through the provider's own connection, so it counts on SQLite and PostgreSQL alike.
  const count = async (table: string) =>
    Number((await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(server.db)).rows[0]!.n)
  return { server, services, clock, f, app, issue, rotate, count, [Symbol.dispose]: () => {} }
}

describe('background purge (bounded storage)', () => {
  test('expired access tokens go only once the grace period has passed; live ones stay usable', async () => {
    using s = await setup()
    await using _ = s.server
    for (let i = 0; i < 5; i++) await s.issue(false)
    s.clock.advance(HOUR + PURGE_GRACE_SECONDS - 1) // expired, but less than the grace period ago
    expect((await s.services.purge.run()).accessTokens).toBe(0)
    const live = await s.issue(false)
    s.clock.advance(2)
    expect((await s.services.purge.run()).accessTokens).toBe(5)
    expect(await s.count('access_tokens')).toBe(1)
    expect(await s.services.tokens.findActive(live.accessToken)).toBeDefined()
  })

  test('a refresh family with a live token keeps its rotated tokens, so reuse is still detected', async () => {
    using s = await setup()
    await using _ = s.server
    const first = await s.issue()
    s.clock.advance(20 * HOUR)
    const rotated = await s.rotate(first.refreshToken!)
    if (!rotated.ok) throw new Error(rotated.reason)
    s.clock.advance(5 * HOUR + PURGE_GRACE_SECONDS) // the first refresh token has expired; the second has not
    const report = await s.services.purge.run()
    expect(report.refreshTokens).toBe(0)
    expect(await s.count('refresh_tokens')).toBe(2)
    // RFC 9700 §4.14.2: replaying the rotated token still revokes the family.
    expect((await s.rotate(first.refreshToken!)).ok).toBe(false)
    expect(await s.services.tokens.findActive(rotated.tokens.refreshToken!)).toBeUndefined()
  })

  test('a family whose every token expired, or that was revoked, is deleted whole after the grace period', async () => {
    using s = await setup()
    await using _ = s.server
    const expiring = await s.issue()
    const rotated = await s.rotate(expiring.refreshToken!)
    if (!rotated.ok) throw new Error(rotated.reason)
    const revoked = await s.issue()
    await s.services.tokens.revoke(revoked.refreshToken!, s.app)
    expect((await s.services.purge.run()).refreshTokens).toBe(0)
    s.clock.advance(PURGE_GRACE_SECONDS + 1)
    expect((await s.services.purge.run()).refreshTokens).toBe(1) // the revoked family
    s.clock.advance(DAY)
    const report = await s.services.purge.run()
    expect(report.refreshTokens).toBe(2) // both tokens of the expired family
    expect(await s.count('refresh_tokens')).toBe(0)
    expect(await s.count('access_tokens')).toBe(0)
  })

  test('expired codes, dead sessions and audit events past the retention are deleted', async () => {
    using s = await setup({ auditRetention: 7 * DAY, sessionTtl: DAY })
    await using _ = s.server
    await s.services.codes.issue({
      applicationId: s.app.id,
      userId: s.f.alice.id,
      redirectUri: s.f.C1.redirectUri,
      redirectUriSent: true,
      scopes: ['openid'],
      codeChallenge: null,
      codeChallengeMethod: null,
      nonce: null,
      authTime: s.clock.now(),
    })
    const ended = await s.services.sessions.start(s.f.alice, null)
    await s.services.sessions.end(ended.cookieValue)
    await s.services.sessions.start(s.f.alice, null)
    const auditBefore = await s.count('audit_events')
    expect(auditBefore).toBeGreaterThan(0)
    s.clock.advance(s.server.config.codeTtl + PURGE_GRACE_SECONDS + 1)
    let report = await s.services.purge.run()
    expect(report).toMatchObject({ authorizationCodes: 1, sessions: 1, auditEvents: 0 })
    const alive = await s.services.sessions.start(s.f.alice, null)
    s.clock.advance(7 * DAY)
    report = await s.services.purge.run()
    expect(report).toMatchObject({ sessions: 2, auditEvents: auditBefore })
    expect(await s.count('sessions')).toBe(0)
    expect(await s.count('audit_events')).toBe(1) // the last login is younger than the retention
    expect(await s.services.sessions.resolve(alive.cookieValue)).toBeUndefined()
  })

  test('issue 17: used and expired one-time links go after the grace period; a live one stays', async () => {
    using s = await setup()
    await using _ = s.server
    const { links } = s.services
    await links.makeReset(s.f.alice.id) // replaced by the next one: expired now
    const used = await links.makeReset(s.f.alice.id)
    await links.completeReset(new URL(used.url).searchParams.get('token')!, 'a fresh password for alice', null)
    await links.makeReset(s.f.bob.id)
    s.clock.advance(PURGE_GRACE_SECONDS + 1)
    expect((await s.services.purge.run()).oneTimeLinks).toBe(2)
    expect(await s.count('one_time_links')).toBe(1)
    s.clock.advance(DAY)
    expect((await s.services.purge.run()).oneTimeLinks).toBe(1)
  })

  test('deletes in batches of purgeBatchSize and stops between batches when asked', async () => {
    using s = await setup({ purgeBatchSize: 3 })
    await using _ = s.server
    for (let i = 0; i < 10; i++) await s.issue(false)
    s.clock.advance(HOUR + PURGE_GRACE_SECONDS + 1)
    let calls = 0
    const stopped = await s.services.purge.run({ shouldStop: () => calls++ >= 2 })
    expect(stopped).toMatchObject({ accessTokens: 6, batches: 2 })
    const rest = await s.services.purge.run()
    expect(rest.accessTokens).toBe(4)
    expect(await s.count('access_tokens')).toBe(0)
  })

  test('the purger runs on its interval and stop() waits for the running pass', async () => {
    using s = await setup()
    await using _ = s.server
    await s.issue(false)
    s.clock.advance(HOUR + PURGE_GRACE_SECONDS + 1)
    const reports: unknown[] = []
    const purger = startPurger(s.services.purge, 0.05, (r) => reports.push(r))
    for (let i = 0; i < 50 && reports.length === 0; i++) await Bun.sleep(10)
    await purger.stop()
    expect(reports[0]).toMatchObject({ accessTokens: 1 })
    const after = reports.length
    await Bun.sleep(120)
    expect(reports.length).toBe(after)
  })
})

describe('background purge: rate-limit counters', () => {
  test('counters whose window has ended are deleted; a counter in its window stays and still limits', async () => {
    using s = await setup()
    await using _ = s.server
    await s.services.rateLimits.recordFailure('loginPerUsername', 'old')
    s.clock.advance(DAY)
    for (let i = 0; i < 10; i++) await s.services.rateLimits.recordFailure('loginPerUsername', 'alice')
    const report = await s.services.purge.run()
    expect(report.rateLimits).toBe(1)
    expect(await s.count('rate_limits')).toBe(1)
    expect(await s.services.rateLimits.retryAfter('loginPerUsername', 'alice')).toBeGreaterThan(0)
  })
})
