/**
 * Issue 17: the admin console's overview charts sign-ins, tokens issued and failures per day. The
 * audit log does not hold these (issuing a token writes no event, and failures are not security events
 * worth a row each), and dead tokens are purged an hour after they stop working, so the store keeps a
 * counter per UTC day and event instead. `shard` spreads increments over several rows so concurrent
 * PostgreSQL transactions do not queue on one counter row; a reader sums the shards.
 * Frozen in time; portable to PostgreSQL.
 */
import type { Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('daily_activity')
    .addColumn('day', 'integer', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('shard', 'integer', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('daily_activity_pk', ['day', 'event', 'shard'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('daily_activity').execute()
}
