/**
 * @module
 * Picks the engine from the configuration: `databaseUrl` when set (postgres://… or sqlite:FILE),
 * else the SQLite file `db`. Everything above the store sees one Kysely<Database> either way.
 */
import { sql, type Kysely } from 'kysely'
import type { Database } from './database.ts'
import { openPostgres } from './dialects/postgres.ts'
import type { StoreOptions } from './dialects/query-log.ts'
import { openSqlite } from './dialects/sqlite.ts'

export type Engine = 'sqlite' | 'postgres'
export type StoreTarget = { engine: 'sqlite'; path: string } | { engine: 'postgres'; url: string }

export interface StoreConfig {
  db: string
  databaseUrl?: string
  dbPoolSize: number
}

export interface Store {
  db: Kysely<Database>
  engine: Engine
}

/** Where the data lives: a PostgreSQL URL, or a SQLite path (`sqlite:` and `sqlite://` stripped). */
export function storeTarget(config: Pick<StoreConfig, 'db' | 'databaseUrl'>): StoreTarget {
  const url = config.databaseUrl
  if (url === undefined) return { engine: 'sqlite', path: config.db }
  if (/^postgres(ql)?:\/\//i.test(url)) return { engine: 'postgres', url }
  return { engine: 'sqlite', path: url.replace(/^sqlite:(\/\/)?/i, '') }
}

export function openStore(config: StoreConfig, options: StoreOptions = {}): Store {
  const target = storeTarget(config)
  if (target.engine === 'postgres')
    return { engine: 'postgres', db: openPostgres(target.url, { ...options, poolSize: config.dbPoolSize }) }
  return { engine: 'sqlite', db: openSqlite(target.path, options).db }
}

/** Kysely's own name for the table that records applied migrations: there is a Latchkey schema once it exists. */
const MIGRATION_TABLE = 'kysely_migration'

/**
 * Whether the PostgreSQL database already holds a Latchkey schema (its migration table, in the
 * schema the connection writes to). Only reads the catalogue: nothing is created or migrated.
 */
export async function postgresHasSchema(url: string): Promise<boolean> {
  const db = openPostgres(url, { poolSize: 1 })
  try {
    const { rows } = await sql<{ found: number }>`
      select 1 as found from information_schema.tables
      where table_schema = current_schema() and table_name = ${MIGRATION_TABLE}`.execute(db)
    return rows.length > 0
  } finally {
    await db.destroy()
  }
}
