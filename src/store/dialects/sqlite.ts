/**
 * @module
 * The only file that knows the SQLite driver: Bun's built-in `bun:sqlite`, which implements the
 * interface Kysely's SqliteDialect expects and is compiled into the binary (see README, "Stack").
 */
import { Database as SqliteDatabase } from 'bun:sqlite'
import { Kysely, SqliteDialect, type LogEvent } from 'kysely'
import type { Database } from '../database.ts'

export interface SqliteHandle {
  db: Kysely<Database>
  raw: SqliteDatabase
}

export interface StoreOptions {
  /** Called after every query with its first keyword (select, insert, …) and its duration. */
  onQuery?: (operation: string, seconds: number, failed: boolean) => void
}

export function openSqlite(path: string, options: StoreOptions = {}): SqliteHandle {
  const raw = new SqliteDatabase(path, { create: true, strict: true })
  raw.exec('PRAGMA journal_mode = WAL')
  raw.exec('PRAGMA synchronous = NORMAL')
  raw.exec('PRAGMA foreign_keys = ON')
  raw.exec('PRAGMA busy_timeout = 5000')
  // bun:sqlite's Database is structurally what SqliteDialect needs (prepare → all/run/iterate/reader).
  const { onQuery } = options
  const log = onQuery && ((e: LogEvent) => onQuery(operationOf(e.query.sql), e.queryDurationMillis / 1000, e.level === 'error'))
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw as never }), ...(log && { log }) })
  return { db, raw }
}

const OPERATIONS = new Set(['select', 'insert', 'update', 'delete', 'with', 'pragma', 'vacuum'])

/** A bounded label for the metrics: the statement's first keyword. */
function operationOf(sql: string): string {
  const word = /^\s*([a-z]+)/i.exec(sql)?.[1]?.toLowerCase() ?? 'other'
  return OPERATIONS.has(word) ? word : 'other'
}
