/**
 * @module
 * What readiness needs from the store: one cheap query that both reaches the database and tells
 * whether the newest migration this build carries has been applied.
 */
import { sql, type Kysely } from 'kysely'
import { migrations } from '../../migrations/index.ts'

/** The name of the newest migration compiled into this build. */
export const LATEST_MIGRATION = Object.keys(migrations).sort().at(-1)!

/** True when the database answers and has applied LATEST_MIGRATION; throws when it cannot be reached. */
export async function isMigrated(db: Kysely<any>): Promise<boolean> {
  const { rows } = await sql<{ n: number }>`select count(*) as n from kysely_migration where name = ${LATEST_MIGRATION}`.execute(db)
  return Number(rows[0]?.n ?? 0) === 1
}
