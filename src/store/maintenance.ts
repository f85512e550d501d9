/**
 * @module
 * SQLite housekeeping for operators and benchmarks: fold the WAL back into the main file, and
 * rebuild the file so pages freed by the purger go back to the filesystem.
 */
import { sql, type Kysely } from 'kysely'

/** `PRAGMA wal_checkpoint(TRUNCATE)`: the WAL's pages move into the database and the -wal file shrinks to zero. */
export async function checkpoint(db: Kysely<any>): Promise<void> {
  await sql`pragma wal_checkpoint(truncate)`.execute(db)
}

/** `VACUUM`: rewrites the file without its free pages. Takes the write lock for its whole run. */
export async function vacuum(db: Kysely<any>): Promise<void> {
  await sql`vacuum`.execute(db)
  await checkpoint(db)
}

/** Pages in the file and how many of them are free (reusable without growing the file). */
export async function pageStats(db: Kysely<any>): Promise<{ pages: number; free: number; pageSize: number }> {
  const one = async (pragma: string) =>
    Number(Object.values((await sql.raw(`pragma ${pragma}`).execute(db)).rows[0] as object)[0])
  return { pages: await one('page_count'), free: await one('freelist_count'), pageSize: await one('page_size') }
}
