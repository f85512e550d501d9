/**
 * @module
 * Online backup of the SQLite database. `VACUUM INTO` reads one consistent snapshot (a read
 * transaction, which under WAL never blocks writers) and writes a compact, self-contained copy:
 * no -wal or -shm file is needed to open it. PostgreSQL deployments use pg_dump instead.
 */
import { sql, type Kysely } from 'kysely'

export async function backupInto(db: Kysely<any>, path: string): Promise<void> {
  await sql`vacuum into ${path}`.execute(db)
}

/** `PRAGMA integrity_check`: the list of problems, empty when the file is sound. */
export async function integrityProblems(db: Kysely<any>): Promise<string[]> {
  const { rows } = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(db)
  const problems = rows.map((r) => r.integrity_check)
  return problems.length === 1 && problems[0] === 'ok' ? [] : problems
}
