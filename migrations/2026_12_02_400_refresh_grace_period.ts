/**
 * Issue 16: a per-application rotation grace period. `applications.refresh_grace_period` is the
 * number of seconds during which a rotated refresh token, presented again by the same client, gets
 * a fresh answer instead of revoking its family (0, the default and the value of every existing
 * application: off). `refresh_tokens.grace_replays` counts those answers per rotated token, so the
 * replays within one window can be capped. Frozen in time; portable to PostgreSQL.
 */
import type { Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('applications')
    .addColumn('refresh_grace_period', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
  await db.schema
    .alterTable('refresh_tokens')
    .addColumn('grace_replays', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('refresh_tokens').dropColumn('grace_replays').execute()
  await db.schema.alterTable('applications').dropColumn('refresh_grace_period').execute()
}
