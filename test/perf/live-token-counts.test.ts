/**
 * The live-token counters (migration 2026_11_28_000, kept by triggers) behind GraphQL
 * `activeTokenCount` must always equal a full scan of the token tables: through issuance, rotation,
 * reuse detection (RFC 9700 §4.14.2), revocation (RFC 7009 §2.1), expiry across hour boundaries,
 * purge, a disabled user and a deleted application. Runs on SQLite and on PostgreSQL.
 */
import { describe, expect, test } from 'bun:test'
import { sql } from 'kysely'
import * as liveTokenCounts from '../../migrations/2026_11_28_000_live_token_counts.ts'
import type { Application } from '../../src/services/applications/applications.ts'
import type { IssuedTokens } from '../../src/services/tokens/tokens.ts'
import type { Db } from '../../src/store/database.ts'
import { countActiveTokensByApplication } from '../../src/store/repositories/admin-batches.ts'
import { startServer, testClock } from '../helpers/server.ts'

/** Deterministic pseudo-random numbers (mulberry32), so a failure replays the same way. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** The full scan the counters replace: the reference they must always equal. */
async function countActiveTokensByScan(
  db: Db,
  applicationIds: readonly string[],
  now: number,
): Promise<Map<string, number>> {
  if (!applicationIds.length) return new Map()
  const ids = [...applicationIds]
  const access = db
    .selectFrom('access_tokens')
    .select(['application_id', sql<number>`count(*)`.as('n')])
    .where('application_id', 'in', ids)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .groupBy('application_id')
  const refresh = db
    .selectFrom('refresh_tokens')
    .select(['application_id', sql<number>`count(*)`.as('n')])
    .where('application_id', 'in', ids)
    .where('revoked_at', 'is', null)
    .where('rotated_at', 'is', null)
    .where('expires_at', '>', now)
    .groupBy('application_id')
  const rows = await access.unionAll(refresh).execute()
  const out = new Map<string, number>()
  for (const r of rows) if (r.application_id) out.set(r.application_id, (out.get(r.application_id) ?? 0) + Number(r.n))
  return out
}

const nonZero = (m: Map<string, number>) => new Map([...m].filter(([, n]) => n !== 0))

async function setUp() {
  // Ten minutes before an hour boundary, so tokens expire on both sides of it.
  const clock = testClock(Math.floor(Date.now() / 1000 / 3600) * 3600 + 3000)
  const server = await startServer({ clock })
  const { services } = server.provider
  const db = server.db
  const users = [
    await services.users.create({ username: 'count-a', password: 'counter-password' }),
    await services.users.create({ username: 'count-b', password: 'counter-password' }),
  ]
  const apps: Application[] = []
  for (const name of ['one', 'two', 'three']) {
    apps.push(
      (
        await services.applications.create({
          name,
          grantTypes: ['client_credentials', 'refresh_token', 'authorization_code'],
          redirectUris: ['http://127.0.0.1/cb'],
          scopes: ['read_user'],
        })
      ).application,
    )
  }
  const ids = apps.map((a) => a.id)
  const expectCountersMatchScan = async () => {
    const now = clock.now()
    expect(nonZero(await countActiveTokensByApplication(db, ids, now))).toEqual(
      nonZero(await countActiveTokensByScan(db, ids, now)),
    )
  }
  return { server, services, db, clock, users, apps, ids, expectCountersMatchScan }
}

describe('live-token counters', () => {
  test('equal a full scan through issue, rotation, reuse, revocation, expiry, purge, a disabled ' +
    'user and a deleted application', async () => {
    const { server, services, db, clock, users, apps, ids, expectCountersMatchScan } = await setUp()
    await using _ = server
    const rand = random(7)
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!
    const issued: Array<{ app: Application; tokens: IssuedTokens }> = []
    const rotatedAway: Array<{ app: Application; refresh: string }> = []
    for (let step = 0; step < 80; step++) {
      const app = pick(apps)
      const ttl = pick([300, 900, 3000, 4000, 7200, 90_000])
      const withRefresh = rand() < 0.5
      const tokens = await services.tokens.issue({
        application: { ...app, accessTokenTtl: ttl, refreshTokenTtl: ttl * 2 },
        userId: pick(users).id,
        scopes: ['read_user'],
        withRefresh,
        authTime: clock.now(),
      })
      issued.push({ app, tokens })
      const roll = rand()
      if (roll < 0.2) {
        const { app: owner, tokens: old } = pick(issued)
        if (old.refreshToken) {
          const result = await services.tokens.rotateRefresh(old.refreshToken, owner, async (g) => ({
            scopes: g.scopes,
            resource: null,
          }))
          if (result.ok) rotatedAway.push({ app: owner, refresh: old.refreshToken })
        }
      } else if (roll < 0.3 && rotatedAway.length) {
        const reused = pick(rotatedAway) // reuse detection revokes the whole family
        await services.tokens.rotateRefresh(reused.refresh, reused.app, async (g) => ({
          scopes: g.scopes,
          resource: null,
        }))
      } else if (roll < 0.45) {
        const { app: owner, tokens: old } = pick(issued)
        await services.tokens.revoke(rand() < 0.5 || !old.refreshToken ? old.accessToken : old.refreshToken, owner)
      } else if (roll < 0.6) {
        clock.advance(400)
      }
      if (step % 10 === 9) await expectCountersMatchScan()
    }
    await services.users.disable('count-b')
    await expectCountersMatchScan()
    await services.applications.delete(apps[2]!.clientId)
    await expectCountersMatchScan()
    expect(
      await db.selectFrom('live_token_counts').select('n').where('application_id', '=', apps[2]!.id).execute(),
    ).toEqual([])

    clock.advance(3 * 3600)
    await expectCountersMatchScan()
    await services.purge.run()
    await expectCountersMatchScan()
    const hour = Math.floor(clock.now() / 3600)
    expect(
      await db.selectFrom('live_token_counts').select('expires_hour').where('expires_hour', '<', hour).execute(),
    ).toEqual([])
    // Something is still live to count.
    expect((await countActiveTokensByApplication(db, ids, clock.now())).size).toBeGreaterThan(0)
  }, 60_000)

  test('the migration counts the tokens that existed before it', async () => {
    const { server, services, db, clock, users, apps, expectCountersMatchScan } = await setUp()
    await using _ = server
    await liveTokenCounts.down(db)
    for (let i = 0; i < 12; i++) {
      const app = apps[i % apps.length]!
      const tokens = await services.tokens.issue({
        application: { ...app, accessTokenTtl: 600 * (i + 1) },
        userId: users[i % 2]!.id,
        scopes: ['read_user'],
        withRefresh: i % 3 === 0,
        authTime: clock.now(),
      })
      if (i % 4 === 1) await services.tokens.revoke(tokens.accessToken, app)
    }
    await liveTokenCounts.up(db)
    await expectCountersMatchScan()
    expect(
      (
        await countActiveTokensByApplication(
          db,
          apps.map((a) => a.id),
          clock.now(),
        )
      ).size,
    ).toBe(3)
  })
})
