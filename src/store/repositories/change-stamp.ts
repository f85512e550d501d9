/**
 * @module
 * A cheap way for a cache to notice writes made by another process on the same database (the CLI
 * next to a running server, or a second server on the same SQLite file).
 */
import { sql, SqliteAdapter } from 'kysely'
import type { Db } from '../database.ts'

export type ChangeStamp = () => Promise<number | undefined>

/**
 * A function returning a number that changes whenever another connection commits to the database,
 * or undefined where the engine has no such counter (PostgreSQL: callers fall back to their
 * expiry). SQLite's `PRAGMA data_version` is per connection and ignores the connection's own
 * commits, which suits the provider's single SQLite connection: its own changes are invalidated
 * explicitly.
 *
 * Callers that ask while a reading is under way share it: it is taken after they asked, so a change
 * committed before a request asked is still seen by it, and a burst of requests (waiting for the
 * connection behind a group commit, say) costs one PRAGMA instead of one each.
 */
export function externalChangeStamp(db: Db): ChangeStamp {
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) return async () => undefined
  let shared: Promise<number | undefined> | undefined
  const forget = () => {
    shared = undefined
  }
  return () => {
    if (!shared) {
      shared = sql<{ data_version: number }>`PRAGMA data_version`.execute(db).then((r) => r.rows[0]?.data_version)
      // Dropped as soon as it is read: a later caller must not get a reading older than its call.
      shared.then(forget, forget)
    }
    return shared
  }
}
