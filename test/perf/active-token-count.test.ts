/**
 * GraphQL `activeTokenCount` (one grouped count per page of applications) reads the live-token
 * counters (migration 2026_11_28_000) and, for the current hour only, the covering application
 * indexes (migration 2026_11_23_950), never the token rows; and it always equals a full scan.
 */
import { Database } from 'bun:sqlite'
import { describe, expect, test } from 'bun:test'
import { Kysely, SqliteDialect, type SqliteDatabase } from 'kysely'
import type { Database as Schema } from '../../src/store/database.ts'
import { countActiveTokensByApplication } from '../../src/store/repositories/admin-batches.ts'
import { onPostgres } from '../helpers/database.ts'
import { startServer, testClock } from '../helpers/server.ts'

describe.skipIf(onPostgres)('active token counts per application', () => {
  test('the grouped count is answered from the covering indexes, and counts only live tokens', async () => {
    const clock = testClock()
    await using server = await startServer({ clock })
    const { services } = server.provider
    const user = await services.users.create({ username: 'counter', password: 'counter-password' })
    const { application } = await services.applications.create({
      name: 'counted',
      grantTypes: ['client_credentials', 'refresh_token', 'authorization_code'],
      redirectUris: ['http://127.0.0.1/cb'],
      scopes: ['read_user'],
    })
    const issue = (withRefresh: boolean) =>
      services.tokens.issue({ application, userId: user.id, scopes: ['read_user'], withRefresh, authTime: clock.now() })
    await issue(true) // 1 access + 1 refresh
    await issue(false)
    const revoked = await issue(false)
    await services.tokens.revoke(revoked.accessToken, application)
    // Another connection on the same file that records each query's SQL and parameters.
    const queries: Array<{ sql: string; parameters: readonly unknown[] }> = []
    const sqlite = new Database(server.config.db)
    const db = new Kysely<Schema>({
      dialect: new SqliteDialect({ database: sqlite as unknown as SqliteDatabase }),
      log: (e) => void queries.push({ sql: e.query.sql, parameters: e.query.parameters }),
    })
    try {
      const counts = await countActiveTokensByApplication(db, [application.id], clock.now())
      expect(counts.get(application.id)).toBe(3) // 2 live access + 1 live refresh
      expect(queries).toHaveLength(1)
      const plan = sqlite
        .query(`EXPLAIN QUERY PLAN ${queries[0]!.sql}`)
        .all(...(queries[0]!.parameters as never[])) as Array<{ detail: string }>
      const details = plan.map((p) => p.detail)
      expect(details.some((d) => /access_tokens USING COVERING INDEX access_tokens_application/.test(d))).toBe(true)
      expect(details.some((d) => /refresh_tokens USING COVERING INDEX refresh_tokens_application/.test(d))).toBe(true)
      expect(
        details.some((d) => /live_token_counts USING (PRIMARY KEY|INDEX sqlite_autoindex_live_token_counts)/.test(d)),
      ).toBe(true)
      expect(details.filter((d) => /^SCAN (access|refresh)_tokens|^SCAN live_token_counts/.test(d))).toEqual([])
      clock.advance(3 * 86400) // access tokens expire (2 h), the refresh token lives on (30 d)
      expect((await countActiveTokensByApplication(db, [application.id], clock.now())).get(application.id)).toBe(1)
    } finally {
      await db.destroy()
    }
  })
})
