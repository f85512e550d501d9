/**
 * @module
 * The one read cache of the provider: scopes, signing keys, client authentication and token lookups
 * all remember rows through `createCache`, and all trust them by the same signal (changes.ts).
 *
 * What makes an entry stale, per engine:
 * - SQLite (one file, one server, maybe the CLI beside it): nothing but writes. Every write by this
 *   process moves its tables' counters, and every commit by another connection moves
 *   `PRAGMA data_version`, read afresh, synchronously, on every lookup (about a microsecond: a
 *   reading shared between requests could predate a request that arrived after a commit). An entry
 *   lives until one of them moves; there is no TTL.
 * - PostgreSQL (several instances behind a load balancer): this process's writes are seen at once
 *   (the same counters); other instances' writes are not signalled, so each cache states how stale
 *   it may be (`postgresMaxAge`). A change counter in the database was the alternative: reading it
 *   is a round trip, the same price as the keyed row read a lookup saves, so it would buy nothing.
 *   Caches whose staleness would be a security hole (client secrets, token state: RFC 7009 §2.2
 *   wants a revocation honoured at once) therefore set 0 and read every time there; the scope table
 *   and the signing keys take 5 s (README, "Several instances").
 *
 * Entries are trusted only if no write of this process touched their tables while they were read,
 * so a read racing a revocation never remembers the old row. `undefined` (not found) is never
 * remembered, so probing with unknown keys cannot fill a cache. Each cache holds at most `maxEntries`.
 */
import { changeSignalOf, type TableCounter, type TableName } from './changes.ts'
import type { Db } from './database.ts'

export interface CacheOptions {
  /** Every table an entry is read from. */
  tables: readonly TableName[]
  /**
   * True when entries are rows found by key (never lists): a new row cannot make one wrong, so plain
   * INSERTs into `tables` keep them.
   */
  keyedRowsOnly?: boolean
  /** PostgreSQL: seconds an entry may miss other instances' writes; 0 means not cached there. */
  postgresMaxAge: number
  /** The clock, in seconds, for `postgresMaxAge` (default: the system's). */
  now?: () => number
  maxEntries?: number
}

export interface Cache<K, V> {
  /** The remembered value for `key`, else `load()`'s (remembered if found and no write raced it). */
  get(key: K, load: () => Promise<V | undefined>): Promise<V | undefined>
}

const DEFAULT_MAX_ENTRIES = 1000

export function createCache<K, V>(db: Db, options: CacheOptions): Cache<K, V> {
  const signal = changeSignalOf(db)
  const maxAge = signal?.engine === 'postgres' ? options.postgresMaxAge : Infinity
  if (!signal || maxAge <= 0) return { get: (_key, load) => load() }
  const counters: TableCounter[] = [signal.everything, ...options.tables.map((t) => signal.counter(t))]
  const withInserts = !options.keyedRowsOnly
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES
  const clock = options.now ?? (() => Date.now() / 1000)
  /** This process's writes to the tables, as one number that only grows. */
  const ownWrites = () => {
    let n = 0
    for (const c of counters) n += withInserts ? c.altered + c.added : c.altered
    return n
  }
  // One generation per stretch without writes; a new one starts empty.
  let generation = { own: ownWrites(), external: signal.external(), entries: new Map<K, { at: number; value: V }>() }

  return {
    async get(key, load) {
      const own = ownWrites()
      const external = signal.external()
      if (own !== generation.own || external !== generation.external) generation = { own, external, entries: new Map() }
      const current = generation
      const now = clock()
      const hit = current.entries.get(key)
      if (hit && now - hit.at < maxAge) return hit.value
      current.entries.delete(key)
      const value = await load()
      if (value !== undefined && current === generation && ownWrites() === own) {
        current.entries.set(key, { at: now, value })
        // Oldest first in a Map: past the bound, the entry remembered longest ago goes.
        if (current.entries.size > maxEntries) current.entries.delete(current.entries.keys().next().value!)
      }
      return value
    },
  }
}
