/**
 * @module
 * The only file that knows the SQLite driver: Bun's built-in `bun:sqlite`, which implements the
 * interface Kysely's SqliteDialect expects and is compiled into the binary (see README, "Stack").
 */
import { Database as SqliteDatabase } from 'bun:sqlite'
import { Kysely, SqliteDialect } from 'kysely'
import type { Database } from '../database.ts'

export interface SqliteHandle {
  db: Kysely<Database>
  raw: SqliteDatabase
}

export function openSqlite(path: string): SqliteHandle {
  const raw = new SqliteDatabase(path, { create: true, strict: true })
  raw.exec('PRAGMA journal_mode = WAL')
  raw.exec('PRAGMA synchronous = NORMAL')
  raw.exec('PRAGMA foreign_keys = ON')
  raw.exec('PRAGMA busy_timeout = 5000')
  // bun:sqlite's Database is structurally what SqliteDialect needs (prepare → all/run/iterate/reader).
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw as never }) })
  return { db, raw }
}
