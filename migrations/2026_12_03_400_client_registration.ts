/**
 * Issue 18: applications that register themselves (RFC 7591 dynamic client registration, RFC 7592
 * management, and Client ID Metadata Documents), and what the consent page shows about any client.
 *
 * applications gains the RFC 7591 §2 human-facing metadata (logo_uri, client_uri, policy_uri,
 * tos_uri: absolute URLs or null; contacts: a JSON array of strings), `registration` (how the row came
 * to be: 'admin' for the CLI / GraphQL, 'dynamic' for POST /oauth/register, 'metadata_document' for a
 * fetched Client ID Metadata Document), `token_endpoint_auth_method` as registered (null for rows an
 * administrator made), `registration_token_hash` (SHA-256 of the RFC 7592 registration access token;
 * never the token) and `grant_completed_at` (first time the application obtained tokens: a
 * self-registered client that never did is purged after a while).
 *
 * scopes gains `self_registration`: 1 when a client registering itself without an initial access token
 * (policy `open`) may ask for it. registration_tokens holds the initial access tokens (RFC 7591 §3) an
 * administrator makes: SHA-256 only, an expiry, a use ceiling and the scopes and grant types a
 * registration made with it may name. Frozen in time: imports nothing from src/; portable to PostgreSQL.
 */
import type { Kysely } from 'kysely'

const time = 'bigint'

export async function up(db: Kysely<any>): Promise<void> {
  for (const column of ['logo_uri', 'client_uri', 'policy_uri', 'tos_uri', 'token_endpoint_auth_method'])
    await db.schema.alterTable('applications').addColumn(column, 'text').execute()
  await db.schema
    .alterTable('applications')
    .addColumn('contacts', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute()
  await db.schema
    .alterTable('applications')
    .addColumn('registration', 'text', (c) => c.notNull().defaultTo('admin'))
    .execute()
  await db.schema.alterTable('applications').addColumn('registration_token_hash', 'text').execute()
  await db.schema.alterTable('applications').addColumn('grant_completed_at', time).execute()
  // The purge looks for self-registered rows that never completed a grant; admin rows are most rows.
  await db.schema
    .createIndex('applications_registration_created')
    .on('applications')
    .columns(['registration', 'created_at'])
    .execute()

  await db.schema
    .alterTable('scopes')
    .addColumn('self_registration', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()

  await db.schema
    .createTable('registration_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('hint', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('grant_types', 'text', (c) => c.notNull())
    .addColumn('max_uses', 'integer')
    .addColumn('use_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_by', 'text')
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('expires_at', time, (c) => c.notNull())
    .addColumn('last_used_at', time)
    .addColumn('revoked_at', time)
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('registration_tokens').execute()
  await db.schema.alterTable('scopes').dropColumn('self_registration').execute()
  await db.schema.dropIndex('applications_registration_created').execute()
  for (const column of [
    'grant_completed_at',
    'registration_token_hash',
    'registration',
    'contacts',
    'token_endpoint_auth_method',
    'tos_uri',
    'policy_uri',
    'client_uri',
    'logo_uri',
  ])
    await db.schema.alterTable('applications').dropColumn(column).execute()
}
