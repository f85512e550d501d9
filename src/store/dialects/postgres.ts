/**
 * @module
 * The only file that knows the PostgreSQL driver: `pg` (node-postgres) behind Kysely's own
 * PostgresDialect. Chosen by measurement under Bun 1.4.5, both with `bun` and inside the compiled
 * binary, against postgres.js (via kysely-postgres-js) and Bun's built-in SQL client (which Kysely
 * has no dialect for): the three were within noise of each other, and `pg` is the one Kysely's
 * own dialect and test suite target, so no driver glue of ours stands between Kysely and the wire.
 *
 * PostgreSQL sends `bigint` (int8, OID 20) as text, which `pg` would hand over as strings. Epoch
 * seconds and `count(*)` are well inside 2^53, so this pool parses int8 as a number: repositories
 * see the same types on both engines. The parser is set on this pool only, not globally.
 */
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import type { Database } from '../database.ts'
import { createChangeSignal, registerChangeSignal, watchWrites } from '../changes.ts'
import { queryLog, type StoreOptions } from './query-log.ts'

const INT8_OID = 20

export interface PostgresOptions extends StoreOptions {
  poolSize: number
}

const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary'
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
}

export function openPostgres(url: string, options: PostgresOptions): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize,
    types,
    application_name: 'latchkey',
    connectionTimeoutMillis: 10_000,
  })
  // An idle connection that dies (server restart, network) is dropped and replaced on next use;
  // without a listener the pool's 'error' event would end the process.
  pool.on('error', () => {})
  // So would a connection that dies while a request holds it: its query already rejects with the
  // error (answered 503, store/faults.ts) and the pool drops it on release, so the event is redundant.
  pool.on('connect', (client) => client.on('error', () => {}))
  // This process's writes, for the caches (store/changes.ts); other instances' are not signalled.
  const signal = createChangeSignal('postgres')
  const db = new Kysely<Database>({ dialect: watchWrites(new PostgresDialect({ pool }), signal), ...queryLog(options) })
  registerChangeSignal(db, signal)
  return db
}
