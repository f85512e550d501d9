/**
 * @module
 * What readiness needs from the store: one cheap query that both reaches the database and tells
 * whether the newest migration this build carries has been applied.
 */
import type { Kysely } from 'kysely'
import { migrations } from '../../migrations/index.ts'

/** The name of the newest migration compiled into this build. */
export const LATEST_MIGRATION = Object.keys(migrations).sort().at(-1)!

/** True when the database answers and has applied LATEST_MIGRATION; throws when it cannot be reached. */
export async function isMigrated(db: Kysely<any>): Promise<boolean> {
  // Built, not raw SQL: a raw statement could be a write, so it would empty every cache (store/changes.ts).
  const row = await db
    .selectFrom('kysely_migration')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('name', '=', LATEST_MIGRATION)
    .executeTakeFirst()
  return Number(row?.n ?? 0) === 1
}
