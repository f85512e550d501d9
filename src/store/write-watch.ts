/**
 * @module
 * Counts the statements this process runs that can end a live token: an UPDATE or DELETE of a
 * token, a user or an application (deleting a user or an application cascades to its tokens), and
 * anything it cannot classify. Plain INSERTs, reads and transaction control never count: a new row
 * cannot make an existing token inactive. The token lookup cache (token-lookup-cache.ts) trusts an
 * entry only while this count stands still; commits by other processes are caught by the change
 * stamp (repositories/change-stamp.ts).
 *
 * Classifying by SQL text works because every statement reaches SQLite through one `prepare` (the
 * dialect's), and Kysely writes `update "t" …`, `delete from "t" …`, `insert into "t" …`: a statement
 * of any other shape counts, so a new kind of write errs towards an emptier cache, never a stale one.
 */
import type { Db } from './database.ts'

const TOKEN_STATE_TABLES = new Set(['access_tokens', 'refresh_tokens', 'users', 'applications'])
const HARMLESS = /^\s*(?:select|pragma|begin|commit|savepoint|release)\b/i
/** Exactly Kysely's shape: a verb, then one double-quoted table name, then whitespace. */
const KYSELY_WRITE = /^\s*(update|delete\s+from|insert\s+into)\s+"(\w+)"\s/i
const UPSERT = /\bon\s+conflict\b/i
const MAX_REMEMBERED = 1024

/**
 * True when running `sql` may change whether some stored token is active. Only statements of
 * exactly Kysely's shape are let through: reads, transaction control, plain INSERTs, and writes to
 * tables other than tokens, users and applications. Anything else counts, whatever it does
 * (`update or ignore`, a schema-qualified or unquoted name, `with`, `rollback`, DDL).
 */
export function mayEndTokens(sql: string): boolean {
  if (HARMLESS.test(sql)) return false
  const write = KYSELY_WRITE.exec(sql)
  if (!write) return true
  const [, verb, table] = write
  if (/^insert/i.test(verb!) && !UPSERT.test(sql)) return false
  return TOKEN_STATE_TABLES.has(table!.toLowerCase())
}

export interface WriteWatch {
  /** Called with every statement before it runs. */
  see(sql: string): void
  /** How many statements that may end a token have run so far. */
  count(): number
}

export function createWriteWatch(): WriteWatch {
  let count = 0
  // The provider runs a few dozen distinct statements; each is classified once.
  const remembered = new Map<string, boolean>()
  return {
    see(sql) {
      let counts = remembered.get(sql)
      if (counts === undefined) {
        if (remembered.size >= MAX_REMEMBERED) remembered.clear()
        remembered.set(sql, (counts = mayEndTokens(sql)))
      }
      if (counts) count++
    },
    count: () => count,
  }
}

const watches = new WeakMap<Db, WriteWatch>()

export function registerWriteWatch(db: Db, watch: WriteWatch): void {
  watches.set(db, watch)
}

/** The database's watch, or undefined where there is none (PostgreSQL: other instances write too). */
export function writeWatchOf(db: Db): WriteWatch | undefined {
  return watches.get(db)
}
