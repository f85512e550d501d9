/**
 * Issue 17: a read-only administrator role on users. Such a user's browser session reaches the admin
 * console and /graphql at the `read` level (see everything, change nothing), as an administrator's
 * `admin:read` token does. Existing users have no such role (0). Frozen in time; portable to PostgreSQL.
 */
import type { Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('is_read_only_admin', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('is_read_only_admin').execute()
}
