/**
 * The per-application live-token counts (GraphQL `activeTokenCount`, one grouped query per page)
 * walked every token row of the page's applications: ~3 s per page with 1,000,000 tokens. The plain
 * `application_id` indexes become covering ones that also hold the columns the count filters on
 * (revoked, rotated, expiry), so the count reads only index entries. Replacing rather than adding
 * keeps a token INSERT at the same number of B-trees; every query that used the old index
 * (`application_id = ?`, ON DELETE CASCADE) uses the new one's prefix. Frozen in time; portable.
 */
import type { Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('access_tokens_application').execute()
  await db.schema
    .createIndex('access_tokens_application')
    .on('access_tokens')
    .columns(['application_id', 'revoked_at', 'expires_at'])
    .execute()
  await db.schema.dropIndex('refresh_tokens_application').execute()
  await db.schema
    .createIndex('refresh_tokens_application')
    .on('refresh_tokens')
    .columns(['application_id', 'revoked_at', 'rotated_at', 'expires_at'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('access_tokens_application').execute()
  await db.schema.createIndex('access_tokens_application').on('access_tokens').column('application_id').execute()
  await db.schema.dropIndex('refresh_tokens_application').execute()
  await db.schema.createIndex('refresh_tokens_application').on('refresh_tokens').column('application_id').execute()
}
