/**
 * @module
 * Kysely's SqliteDriver calls `prepare(sql)` on every query, and SQLite then parses and plans the
 * statement again each time: the largest single cost of a token request in the profile (about a
 * fifth of its CPU). The SQL text Kysely compiles is the same for every call of a repository
 * function (values travel as parameters), so this wrapper keeps prepared statements by SQL text and
 * hands the same one back. Bounded (least recently used statements are finalized), because some
 * SQL varies with its input (`IN (?, ?, …)` lists, multi-row inserts).
 *
 * Safe to share: bun:sqlite runs a statement to completion synchronously, and Kysely's driver holds
 * its single connection's mutex for the whole of a query (streams included), so one statement is
 * never in use twice at once.
 */
import type { Database as SqliteDatabase, Statement } from 'bun:sqlite'

/** Comfortably above the number of distinct queries the provider runs. */
const MAX_STATEMENTS = 512

/** The subset of bun:sqlite that Kysely's SqliteDialect uses, with `prepare` cached. */
export function withStatementCache(
  raw: SqliteDatabase,
  max = MAX_STATEMENTS,
): { prepare(sql: string): Statement; close(): void } {
  const cache = new Map<string, Statement>()
  return {
    prepare(sql) {
      let stmt = cache.get(sql)
      if (stmt) {
        // Map keeps insertion order: re-inserting marks it most recently used.
        cache.delete(sql)
        cache.set(sql, stmt)
        return stmt
      }
      stmt = raw.prepare(sql)
      cache.set(sql, stmt)
      if (cache.size > max) {
        const [oldest, evicted] = cache.entries().next().value!
        cache.delete(oldest)
        evicted.finalize()
      }
      return stmt
    },
    close() {
      for (const stmt of cache.values()) stmt.finalize()
      cache.clear()
      raw.close()
    },
  }
}
