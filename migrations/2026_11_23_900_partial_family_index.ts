/**
 * Access tokens outside any refresh chain or code (client credentials, personal tokens, grants
 * without refresh) no longer get a family id, so the family index becomes partial like the others
 * (2026_11_23_700): their INSERT writes one index entry fewer. Every query on family_id compares it
 * with `=`, which implies IS NOT NULL. Frozen in time; portable.
 */
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('access_tokens_family').execute()
  await db.schema
    .createIndex('access_tokens_family')
    .on('access_tokens')
    .column('family_id')
    .where(sql.ref('family_id'), 'is not', null)
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('access_tokens_family').execute()
  await db.schema.createIndex('access_tokens_family').on('access_tokens').column('family_id').execute()
}
