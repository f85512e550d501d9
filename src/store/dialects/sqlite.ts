/**
 * @module
 * The only file that knows the SQLite driver: Bun's built-in `bun:sqlite`, which implements the
 * interface Kysely's SqliteDialect expects and is compiled into the binary (see README, "Stack").
 */
import { Database as SqliteDatabase } from 'bun:sqlite'
import { Kysely, SqliteDialect } from 'kysely'
import type { Database } from '../database.ts'
import { queryLog, type StoreOptions } from './query-log.ts'
import { withStatementCache } from './statement-cache.ts'
import { createChangeSignal, registerChangeSignal, watchWrites } from '../changes.ts'
import { createPrivateFile } from '../files.ts'

export type { StoreOptions } from './query-log.ts'

export interface SqliteHandle {
  db: Kysely<Database>
  raw: SqliteDatabase
}

/** What Kysely's driver runs for a ROLLBACK that has nothing left to roll back. */
const ALREADY_ROLLED_BACK = { reader: false, run: () => ({ changes: 0, lastInsertRowid: 0 }) }

export function openSqlite(path: string, options: StoreOptions = {}): SqliteHandle {
  // A new database file is created 0600 before SQLite opens it; its -wal and -shm files follow its mode.
  if (path !== ':memory:' && path !== '') createPrivateFile(path)
  const raw = new SqliteDatabase(path, { create: true, strict: true })
  raw.exec('PRAGMA journal_mode = WAL')
  raw.exec('PRAGMA synchronous = NORMAL')
  raw.exec('PRAGMA foreign_keys = ON')
  raw.exec('PRAGMA busy_timeout = 5000')
  // SQLite's default checkpoint window (1,000 pages) is kept on purpose: a larger one bought a little
  // throughput for a much worse p99, since the checkpoint runs inside the commit that crosses it, on
  // the event loop (bench/README.md, "Figures behind the code").
  // bun:sqlite's Database is structurally what SqliteDialect needs (prepare → all/run/iterate/reader);
  // prepared statements are reused by SQL text (see statement-cache.ts, measured in bench/README.md).
  const statements = withStatementCache(raw)
  // Other connections' commits, for the caches (store/changes.ts): per connection, so our own
  // commits do not move it; the caches see those through the driver (watchWrites).
  const dataVersion = raw.prepare<{ data_version: number }, []>('PRAGMA data_version')
  const database = {
    prepare(sql: string) {
      // On SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM (and SQLITE_BUSY in some cases) SQLite has already
      // rolled the transaction back; Kysely's ROLLBACK would then fail with "no transaction is
      // active", and that error would replace the real one (store/faults.ts classifies the real one).
      if (sql === 'rollback' && !raw.inTransaction) return ALREADY_ROLLED_BACK
      return statements.prepare(sql)
    },
    close() {
      dataVersion.finalize()
      statements.close()
    },
  }
  const signal = createChangeSignal('sqlite', () => dataVersion.get()!.data_version)
  const db = new Kysely<Database>({
    dialect: watchWrites(new SqliteDialect({ database: database as never }), signal),
    ...queryLog(options),
  })
  registerChangeSignal(db, signal)
  return { db, raw }
}
