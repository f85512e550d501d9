import type { Database, Db } from '../database.ts'

type CounterName = Database['counters']['name']

/**
 * Takes the next value of a counter. The UPDATE locks the counter's row until the caller's
 * transaction ends (PostgreSQL; SQLite has one writer), so concurrent callers queue and never get
 * the same value; a rolled-back transaction gives its value back.
 */
export async function takeNextValue(db: Db, name: CounterName): Promise<number> {
  const row = await db
    .updateTable('counters')
    .set((eb) => ({ value: eb('value', '+', 1) }))
    .where('name', '=', name)
    .returning('value')
    .executeTakeFirstOrThrow()
  return Number(row.value)
}
