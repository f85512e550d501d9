/**
 * @module
 * A cheap way for a cache to notice writes made by another process on the same database (the CLI
 * next to a running server, or a second server on the same SQLite file).
 */
import type { Db } from '../database.ts'

export type ChangeStamp = () => number | undefined

const readers = new WeakMap<Db, () => number>()

/** Called by the SQLite dialect with a synchronous `PRAGMA data_version` on its connection. */
export function registerDataVersion(db: Db, read: () => number): void {
  readers.set(db, read)
}

/**
 * A function returning a number that changes whenever another connection commits to the database,
 * or undefined where the engine has no such counter (PostgreSQL: callers fall back to reading the
 * database). SQLite's `PRAGMA data_version` is per connection and ignores the connection's own
 * commits, which suits the provider's single SQLite connection: its own changes are invalidated
 * explicitly. It is read afresh on every call, synchronously on the connection (about a
 * microsecond), so a commit that happened before a request arrived is always seen by it: a reading
 * shared between requests could be older than a request that arrived after a commit.
 */
export function externalChangeStamp(db: Db): ChangeStamp {
  const read = readers.get(db)
  return read ?? (() => undefined)
}
