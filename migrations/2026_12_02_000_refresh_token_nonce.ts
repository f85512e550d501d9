/**
 * The `nonce` of the authentication a refresh chain started from, so an ID token issued on refresh
 * can carry it again (OIDC Core §12.2: "if present, its value MUST be the same"); libiddawc refuses a
 * refreshed ID token without it. Kept per refresh token like `auth_time`, since the authorization code
 * that held it is purged long before the chain ends. Null for chains without one and for rows made
 * before this migration. Frozen in time; portable to PostgreSQL.
 */
import type { Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('refresh_tokens').addColumn('nonce', 'text').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('refresh_tokens').dropColumn('nonce').execute()
}
