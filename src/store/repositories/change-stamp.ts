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
 * One reading serves every caller of the same turn of the event loop (it is dropped in the check
 * phase that follows the turn it was started in): the requests handled in one turn had all arrived
 * when the turn's first reading was taken (their bytes were read by the poll that started the
 * turn), so a change committed before a request arrived is still seen by it, and a burst of
 * requests costs one PRAGMA instead of one each.
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
      shared.catch(forget)
      setImmediate(forget)
    }
    return shared
  }
}
