/**
 * RFC 8707 resource indicators and RFC 9068 JWT access tokens (issue 18). `resources` is the
 * operator's registry: a name, the absolute URI clients send as `resource`, the scopes the resource
 * accepts (space-separated), how its access tokens look (`opaque` or `jwt`) and an optional lifetime.
 * `access_tokens.audience` is the URI an access token is restricted to (null: Latchkey's own token);
 * `authorization_codes.resources`, `device_codes.resources` and `refresh_tokens.resources` remember
 * the resources a grant was authorized for (space-separated URIs; null: none), so a token request may
 * ask a subset and a refresh may narrow, never widen. Frozen in time; portable to PostgreSQL.
 */
import type { Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('resources')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('uri', 'text', (c) => c.notNull().unique())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('token_format', 'text', (c) => c.notNull().defaultTo('opaque'))
    .addColumn('access_token_ttl', 'integer')
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .execute()
  await db.schema.alterTable('access_tokens').addColumn('audience', 'text').execute()
  await db.schema.alterTable('refresh_tokens').addColumn('resources', 'text').execute()
  await db.schema.alterTable('authorization_codes').addColumn('resources', 'text').execute()
  await db.schema.alterTable('device_codes').addColumn('resources', 'text').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('device_codes').dropColumn('resources').execute()
  await db.schema.alterTable('authorization_codes').dropColumn('resources').execute()
  await db.schema.alterTable('refresh_tokens').dropColumn('resources').execute()
  await db.schema.alterTable('access_tokens').dropColumn('audience').execute()
  await db.schema.dropTable('resources').execute()
}
