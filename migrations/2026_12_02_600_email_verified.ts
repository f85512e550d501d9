/**
 * Issue 16: an administrator can mark a user's e-mail address verified, so the `email_verified`
 * claim (OIDC Core §5.1) can say true; forges refuse to link accounts by an unverified address.
 * Existing users stay unverified (0): nobody has vouched for their addresses yet. Frozen in time;
 * portable to PostgreSQL.
 */
import type { Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('email_verified', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('email_verified').execute()
}
