/**
 * Issue 17: account self-service and first run.
 * - sessions learn where they come from (ip, user_agent, both recorded at sign-in) and when they were
 *   last used (last_seen_at), so a user can tell their sessions apart before ending one;
 * - one_time_links holds the first-run setup link and administrators' password-reset links: only the
 *   SHA-256 of the token is stored, each link expires and is used at most once (used_at).
 * Frozen in time; portable to PostgreSQL.
 */
import type { Kysely } from 'kysely'

const time = 'bigint'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sessions').addColumn('ip', 'text').execute()
  await db.schema.alterTable('sessions').addColumn('user_agent', 'text').execute()
  await db.schema.alterTable('sessions').addColumn('last_seen_at', time).execute()
  await db.schema
    .createTable('one_time_links')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('purpose', 'text', (c) => c.notNull()) // setup | password_reset
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('created_by', 'text')
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('expires_at', time, (c) => c.notNull())
    .addColumn('used_at', time)
    .execute()
  await db.schema.createIndex('one_time_links_user').on('one_time_links').columns(['user_id']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('one_time_links').execute()
  await db.schema.alterTable('sessions').dropColumn('last_seen_at').execute()
  await db.schema.alterTable('sessions').dropColumn('user_agent').execute()
  await db.schema.alterTable('sessions').dropColumn('ip').execute()
}
