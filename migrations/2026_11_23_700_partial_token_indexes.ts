/**
 * Token indexes on columns that are NULL for most new rows become partial (`WHERE col IS NOT NULL`):
 * a client-credentials token has no user and no code, and no new token is revoked, so an INSERT no
 * longer writes those index entries (about a fifth less CPU per raw access-token INSERT, measured
 * in bench/README.md). Every query on these columns compares them with `=` or `<`, which implies
 * IS NOT NULL, so SQLite and PostgreSQL still use the indexes. Frozen in time; portable.
 */
import { sql, type Kysely } from 'kysely'

const PARTIAL: Array<[string, string, string]> = [
  ['access_tokens_code', 'access_tokens', 'authorization_code_id'],
  ['access_tokens_user', 'access_tokens', 'user_id'],
  ['access_tokens_revoked', 'access_tokens', 'revoked_at'],
  ['refresh_tokens_code', 'refresh_tokens', 'authorization_code_id'],
  ['refresh_tokens_revoked', 'refresh_tokens', 'revoked_at'],
]

export async function up(db: Kysely<any>): Promise<void> {
  for (const [name, table, column] of PARTIAL) {
    await db.schema.dropIndex(name).execute()
    await db.schema.createIndex(name).on(table).column(column).where(sql.ref(column), 'is not', null).execute()
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [name, table, column] of PARTIAL) {
    await db.schema.dropIndex(name).execute()
    await db.schema.createIndex(name).on(table).column(column).execute()
  }
}
