/**
 * Issue 18, draft-ietf-oauth-client-id-metadata-document: an application whose client_id is an https URL
 * is the cache of the metadata document fetched from it. `metadata_fetched_at` says when (null: an
 * application made by an administrator), `metadata_expires_at` until when it may be used without fetching
 * again (HTTP cache headers, within bounds). Frozen in time; portable to PostgreSQL.
 */
import type { Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('applications').addColumn('metadata_fetched_at', 'bigint').execute()
  await db.schema.alterTable('applications').addColumn('metadata_expires_at', 'bigint').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('applications').dropColumn('metadata_expires_at').execute()
  await db.schema.alterTable('applications').dropColumn('metadata_fetched_at').execute()
}
