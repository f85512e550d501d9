/**
 * Groups of users (issue 16): a name released in the `groups` claim, and the members. Nested groups
 * are not needed. Names are unique regardless of case, as usernames are (migration 2026_12_02_000):
 * a unique index on lower(name), which lookups use (src/store/repositories/groups.ts), so `Admins`
 * and `admins` can never be two groups that a forge comparing names exactly would tell apart.
 *
 * A membership goes with its group or its user (ON DELETE CASCADE on both keys; SQLite enforces it
 * because every connection sets `PRAGMA foreign_keys = ON`, src/store/dialects/sqlite.ts). The
 * index on (user_id, group_id) serves a user's group names, read for every token that carries the
 * `groups` scope. The built-in `groups` scope is added unless a scope of that name already exists.
 * Frozen in time: imports nothing from src/; portable to PostgreSQL.
 */
import { sql, type Kysely } from 'kysely'

const time = 'bigint'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('groups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('groups_name_lower').on('groups').unique().expression(sql`lower(name)`).execute()

  await db.schema
    .createTable('group_members')
    .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', time, (c) => c.notNull())
    .addPrimaryKeyConstraint('group_members_pk', ['group_id', 'user_id'])
    .execute()
  await db.schema.createIndex('group_members_user').on('group_members').columns(['user_id', 'group_id']).execute()

  await db
    .insertInto('scopes')
    .values({
      name: 'groups',
      description: 'See the names of the groups you belong to',
      implies: '',
      is_default: 0,
      created_at: Math.floor(Date.now() / 1000),
    })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('group_members').execute()
  await db.schema.dropTable('groups').execute()
}
