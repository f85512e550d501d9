/**
 * @module
 * A cheap way for a cache to notice writes made by another process on the same database (the CLI
 * next to a running server, or a second server on the same SQLite file).
 */
import { sql, SqliteAdapter } from 'kysely'
import type { Db } from '../database.ts'

/**
 * A number that changes whenever another connection commits to the database, or undefined where
 * the engine has no such counter (PostgreSQL: callers fall back to their expiry). SQLite's
 * `PRAGMA data_version` is per connection and ignores the connection's own commits, which suits
 * the provider's single SQLite connection: its own changes are invalidated explicitly.
 */
export async function externalChangeStamp(db: Db): Promise<number | undefined> {
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) return undefined
  const r = await sql<{ data_version: number }>`PRAGMA data_version`.execute(db)
  return r.rows[0]?.data_version
}
