/**
 * @module
 * Bulk inserts for the benchmark (bench/run.ts): a million live tokens, and the one-use refresh
 * tokens and authorization codes a timed run consumes, written in large transactions of multi-row
 * INSERTs instead of one request (and one transaction) per row. Not used by the provider itself.
 */
import type { Db, NewRow } from '../database.ts'

/** Rows per INSERT: 13–14 columns × 500 stays well under SQLite's 32,766 bound parameters. */
const ROWS_PER_STATEMENT = 500
/** Statements per transaction: few enough fsyncs, small enough WAL growth. */
const STATEMENTS_PER_TRANSACTION = 100

type BulkTable = 'access_tokens' | 'refresh_tokens' | 'authorization_codes'

/**
 * Inserts `count` rows made by `make(i)` into one table, in chunks. Returns how many were written.
 * `make` is called in order, so callers can stream values to a file as they go.
 */
export async function bulkInsert<T extends BulkTable>(
  db: Db,
  table: T,
  count: number,
  make: (i: number) => NewRow<T>,
): Promise<number> {
  let i = 0
  while (i < count) {
    await db.transaction().execute(async (trx) => {
      for (let s = 0; s < STATEMENTS_PER_TRANSACTION && i < count; s++) {
        const rows: NewRow<T>[] = []
        for (let r = 0; r < ROWS_PER_STATEMENT && i < count; r++, i++) rows.push(make(i))
        // The generic table name defeats Kysely's per-table typing; the rows are typed by `make`.
        await trx
          .insertInto(table)
          .values(rows as never)
          .execute()
      }
    })
  }
  return count
}
