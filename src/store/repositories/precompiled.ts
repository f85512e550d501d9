/**
 * @module
 * Kysely queries compiled once and then run with new values, for the few statements on every token
 * request. Building a query (immutable operation nodes, then compilation) cost several times SQLite's
 * own work for these (bench/README.md, "Figures behind the code").
 * Kysely still writes the SQL, for whichever dialect the database uses (cached per dialect adapter,
 * which a transaction shares with its database); only the per-call building is skipped.
 */
import type { CompiledQuery, DialectAdapter, Kysely, QueryResult } from 'kysely'
import type { Database, Db } from '../database.ts'

export type Precompiled<R> = (db: Db, parameters: readonly unknown[]) => Promise<QueryResult<R>>

/**
 * `build` makes the query with placeholder values; the values passed later must come in the order
 * the compiled SQL binds them (the order of the builder calls). A count mismatch is a programming
 * error and throws.
 */
export function precompiled<R>(build: (db: Kysely<Database>) => { compile(): CompiledQuery<R> }): Precompiled<R> {
  const cache = new WeakMap<DialectAdapter, CompiledQuery<R>>()
  return (db, parameters) => {
    const adapter = db.getExecutor().adapter
    let compiled = cache.get(adapter)
    if (!compiled) {
      compiled = build(db).compile()
      cache.set(adapter, compiled)
    }
    if (compiled.parameters.length !== parameters.length)
      throw new TypeError(`precompiled query takes ${compiled.parameters.length} values, got ${parameters.length}`)
    // The compiled query with new values: no copy of its (frozen) operation tree, no new freeze.
    return db.executeQuery<R>({ ...compiled, parameters })
  }
}
