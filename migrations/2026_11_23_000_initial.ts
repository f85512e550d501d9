/**
 * The initial schema. Frozen in time: it imports nothing from src/ and uses only types that
 * SQLite and PostgreSQL share (text, integer/bigint for epoch seconds, integer 0/1 for flags).
 */
import type { Kysely } from 'kysely'

const time = 'bigint'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('email', 'text')
    .addColumn('name', 'text')
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('is_admin', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('disabled_at', time)
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('auth_time', time, (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('expires_at', time, (c) => c.notNull())
    .addColumn('revoked_at', time)
    .execute()

  await db.schema
    .createTable('applications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull().unique())
    .addColumn('client_secret_hash', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('is_public', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('is_trusted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('redirect_uris', 'text', (c) => c.notNull()) // JSON array
    .addColumn('scopes', 'text', (c) => c.notNull()) // space-separated allow list
    .addColumn('grant_types', 'text', (c) => c.notNull()) // space-separated
    .addColumn('token_format', 'text', (c) => c.notNull().defaultTo('opaque'))
    .addColumn('id_token_alg', 'text', (c) => c.notNull().defaultTo('RS256'))
    .addColumn('access_token_ttl', 'integer')
    .addColumn('refresh_token_ttl', 'integer')
    .addColumn('can_introspect', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('allow_plain_pkce', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('refresh_policy', 'text', (c) => c.notNull().defaultTo('always')) // always | offline_access
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('scopes')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('implies', 'text', (c) => c.notNull().defaultTo('')) // space-separated
    .addColumn('is_default', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', time, (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('grants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id').onDelete('cascade'))
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .addColumn('revoked_at', time)
    .addUniqueConstraint('grants_user_application', ['user_id', 'application_id'])
    .execute()

  await db.schema
    .createTable('authorization_codes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('code_hash', 'text', (c) => c.notNull().unique())
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('redirect_uri', 'text', (c) => c.notNull())
    .addColumn('redirect_uri_sent', 'integer', (c) => c.notNull())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('code_challenge', 'text')
    .addColumn('code_challenge_method', 'text')
    .addColumn('nonce', 'text')
    .addColumn('auth_time', time, (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('expires_at', time, (c) => c.notNull())
    .addColumn('consumed_at', time)
    .execute()

  await db.schema
    .createTable('access_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('hint', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull()) // 'oauth' | 'personal'
    .addColumn('application_id', 'text', (c) => c.references('applications.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('family_id', 'text')
    .addColumn('authorization_code_id', 'text')
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('expires_at', time)
    .addColumn('last_used_at', time)
    .addColumn('revoked_at', time)
    .execute()

  await db.schema
    .createTable('refresh_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('hint', 'text', (c) => c.notNull())
    .addColumn('family_id', 'text', (c) => c.notNull())
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('auth_time', time)
    .addColumn('authorization_code_id', 'text')
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('expires_at', time, (c) => c.notNull())
    .addColumn('rotated_at', time)
    .addColumn('revoked_at', time)
    .execute()

  await db.schema
    .createTable('device_codes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('device_code_hash', 'text', (c) => c.notNull().unique())
    .addColumn('user_code_hash', 'text', (c) => c.notNull().unique())
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()) // pending | approved | denied | consumed
    .addColumn('interval', 'integer', (c) => c.notNull())
    .addColumn('last_polled_at', time)
    .addColumn('auth_time', time)
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('expires_at', time, (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('signing_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kid', 'text', (c) => c.notNull().unique())
    .addColumn('alg', 'text', (c) => c.notNull())
    .addColumn('public_jwk', 'text', (c) => c.notNull())
    .addColumn('private_jwk', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()) // active | retired
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('retired_at', time)
    .addColumn('publish_until', time) // kept in the JWKS until every token it signed has expired
    .execute()

  await db.schema
    .createTable('audit_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('actor_user_id', 'text')
    .addColumn('user_id', 'text')
    .addColumn('application_id', 'text')
    .addColumn('ip', 'text')
    .addColumn('detail', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', time, (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('rate_limits')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('window_start', time, (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .execute()

  await createIndexes(db)
  await seedBuiltInScopes(db)
}

async function createIndexes(db: Kysely<any>): Promise<void> {
  const indexes: Array<[string, string, string[]]> = [
    ['sessions_user', 'sessions', ['user_id']],
    ['codes_expires', 'authorization_codes', ['expires_at']],
    ['access_tokens_family', 'access_tokens', ['family_id']],
    ['access_tokens_code', 'access_tokens', ['authorization_code_id']],
    ['access_tokens_user', 'access_tokens', ['user_id']],
    ['access_tokens_application', 'access_tokens', ['application_id']],
    ['access_tokens_expires', 'access_tokens', ['expires_at']],
    ['refresh_tokens_family', 'refresh_tokens', ['family_id']],
    ['refresh_tokens_code', 'refresh_tokens', ['authorization_code_id']],
    ['refresh_tokens_user', 'refresh_tokens', ['user_id']],
    ['refresh_tokens_application', 'refresh_tokens', ['application_id']],
    ['grants_application', 'grants', ['application_id']],
    ['audit_events_created', 'audit_events', ['created_at']],
  ]
  for (const [name, table, columns] of indexes) await db.schema.createIndex(name).on(table).columns(columns).execute()
}

/** Identity-only and read-only scopes exist from the start, so logging in never needs full access. */
async function seedBuiltInScopes(db: Kysely<any>): Promise<void> {
  const now = Math.floor(Date.now() / 1000)
  const scopes: Array<[string, string, string, number]> = [
    ['openid', 'Sign you in and know your user id', '', 1],
    ['profile', 'See your username and display name', '', 0],
    ['email', 'See your email address', '', 0],
    ['offline_access', 'Stay signed in when you are not using it (refresh tokens)', '', 0],
    ['read_user', 'Read your profile, read-only', '', 0],
    ['api', 'Full read and write access to your account', 'read_user', 0],
    ['admin', 'Administer Latchkey: applications, users, scopes, tokens and keys', 'admin:read', 0],
    ['admin:read', "Read everything in Latchkey's admin API, change nothing", '', 0],
  ]
  await db
    .insertInto('scopes')
    .values(
      scopes.map(([name, description, implies, isDefault]) => ({
        name,
        description,
        implies,
        is_default: isDefault,
        created_at: now,
      })),
    )
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'rate_limits',
    'audit_events',
    'signing_keys',
    'device_codes',
    'refresh_tokens',
    'access_tokens',
    'authorization_codes',
    'grants',
    'scopes',
    'applications',
    'sessions',
    'users',
  ])
    await db.schema.dropTable(t).execute()
}
