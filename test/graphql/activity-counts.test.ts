/**
 * Issue 17: the overview's per-day counters are kept in memory and written out in batches (every few
 * seconds and on close, src/provider.ts), so a counted request (the token endpoint is the hot path)
 * does no database write for counting. The overview adds this instance's unwritten counts, so it is
 * exact here at once; what is written survives a restart; a flush that fails is tried again.
 */
import { describe, expect, test } from 'bun:test'
import { sql } from 'kysely'
import { openProvider } from '../../src/provider.ts'
import { machineClient } from '../helpers/faults.ts'
import { postForm } from '../helpers/oauth.ts'
import { startServer, testClock, type TestServer } from '../helpers/server.ts'

/** 2026-12-02T12:00:00Z: mid-day, so a few seconds either way stay on the same UTC day. */
const NOON = Date.UTC(2026, 11, 2, 12) / 1000

async function storedRows(server: Pick<TestServer, 'db'>) {
  const rows = await server.db
    .selectFrom('daily_activity')
    .select(['day', 'event', sql<string>`sum(count)`.as('n')])
    .groupBy(['day', 'event'])
    .orderBy('event')
    .execute()
  return rows.map((r) => ({ day: Number(r.day), event: r.event, count: Number(r.n) }))
}

async function tokenRequests(server: TestServer, issued: number, refused: number) {
  const bot = await machineClient(server.provider.services)
  for (let i = 0; i < issued; i++)
    expect((await postForm(server.url, '/oauth/token', bot, { grant_type: 'client_credentials' })).status).toBe(200)
  const wrong = { ...bot, secret: 'not-the-secret' }
  for (let i = 0; i < refused; i++)
    expect((await postForm(server.url, '/oauth/token', wrong, { grant_type: 'client_credentials' })).status).toBe(401)
}

const today = (series: Array<{ date: string; counts: Record<string, number> }>) => series.at(-1)!

describe('issue 17: activity counters are batched in memory', () => {
  test('a token request writes nothing for counting; the overview sees the count at once', async () => {
    await using server = await startServer({ clock: testClock(NOON) })
    await tokenRequests(server, 3, 2)
    expect(await storedRows(server)).toEqual([])
    expect(today(await server.provider.services.activity.series(1))).toEqual({
      date: '2026-12-02',
      counts: { sign_in: 0, sign_in_failed: 0, token_issued: 3, token_failed: 2 },
    })
    await server.provider.services.activity.flush()
    const day = Math.floor(NOON / 86_400)
    expect(await storedRows(server)).toEqual([
      { day, event: 'token_failed', count: 2 },
      { day, event: 'token_issued', count: 3 },
    ])
    // Written once: the overview does not add them again.
    expect(today(await server.provider.services.activity.series(1)).counts.token_issued).toBe(3)
  })

  test('a flush adds to the stored counts; a read during a flush counts each request once', async () => {
    await using server = await startServer({ clock: testClock(NOON) })
    const activity = server.provider.services.activity
    await tokenRequests(server, 2, 0)
    await activity.flush()
    await tokenRequests(server, 1, 0)
    const flushing = activity.flush()
    expect(today(await activity.series(1)).counts.token_issued).toBe(3)
    await flushing
    expect((await storedRows(server)).find((r) => r.event === 'token_issued')?.count).toBe(3)
    activity.record('token_issued')
    expect(today(await activity.series(1)).counts.token_issued).toBe(4)
    expect((await storedRows(server)).find((r) => r.event === 'token_issued')?.count).toBe(3)
    await activity.flush()
    expect((await storedRows(server)).find((r) => r.event === 'token_issued')?.count).toBe(4)
  })

  test('counts go to the UTC day of the request, by the provider clock', async () => {
    const clock = testClock(NOON)
    await using server = await startServer({ clock })
    await tokenRequests(server, 1, 0)
    clock.advance(86_400)
    await tokenRequests(server, 2, 0)
    const series = await server.provider.services.activity.series(2)
    expect(series.map((d) => [d.date, d.counts.token_issued])).toEqual([
      ['2026-12-02', 1],
      ['2026-12-03', 2],
    ])
  })

  test('closing the provider writes the counts: they are there after reopening the same store', async () => {
    await using server = await startServer({ clock: testClock(NOON) })
    await tokenRequests(server, 2, 1)
    server.provider.services.activity.record('sign_in')
    await server.provider.close()
    const again = await openProvider(server.config, { clock: testClock(NOON + 60), logger: { log: () => {} } })
    try {
      expect(today(await again.services.activity.series(1)).counts).toEqual({
        sign_in: 1,
        sign_in_failed: 0,
        token_issued: 2,
        token_failed: 1,
      })
    } finally {
      await again.close()
    }
  })

  test('a failed flush keeps the counts and the next one writes them; requests are not affected', async () => {
    await using server = await startServer({ clock: testClock(NOON) })
    const activity = server.provider.services.activity
    await tokenRequests(server, 2, 0)
    await sql`ALTER TABLE daily_activity RENAME TO daily_activity_away`.execute(server.db)
    await expect(activity.flush()).rejects.toThrow()
    // The store cannot take counts now; the token endpoint still answers and is still counted.
    await tokenRequests(server, 1, 0)
    await sql`ALTER TABLE daily_activity_away RENAME TO daily_activity`.execute(server.db)
    expect(await storedRows(server)).toEqual([])
    await activity.flush()
    expect(await storedRows(server)).toEqual([{ day: Math.floor(NOON / 86_400), event: 'token_issued', count: 3 }])
    expect(today(await activity.series(1)).counts.token_issued).toBe(3)
  })
})
