/**
 * Indexes the background purger needs to find dead rows without scanning whole tables: by expiry
 * and by revocation time. Frozen in time; portable to PostgreSQL.
 */
import type { Kysely } from 'kysely'

const INDEXES: Array<[string, string, string]> = [
  ['access_tokens_revoked', 'access_tokens', 'revoked_at'],
  ['refresh_tokens_expires', 'refresh_tokens', 'expires_at'],
  ['refresh_tokens_revoked', 'refresh_tokens', 'revoked_at'],
  ['sessions_expires', 'sessions', 'expires_at'],
  ['sessions_revoked', 'sessions', 'revoked_at'],
  ['device_codes_expires', 'device_codes', 'expires_at'],
]

export async function up(db: Kysely<any>): Promise<void> {
  for (const [name, table, column] of INDEXES) await db.schema.createIndex(name).on(table).column(column).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [name] of INDEXES) await db.schema.dropIndex(name).execute()
}
