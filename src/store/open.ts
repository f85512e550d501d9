/**
 * @module
 * Picks the engine from the configuration: `databaseUrl` when set (postgres://… or sqlite:FILE),
 * else the SQLite file `db`. Everything above the store sees one Kysely<Database> either way.
 */
import type { Kysely } from 'kysely'
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
