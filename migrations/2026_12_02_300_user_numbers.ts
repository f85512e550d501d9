/**
 * Every user gets a number (issue 16): GitLab's `GET /api/v4/user` and Gitea's `GET /api/v1/user` answer
 * `id` as a JSON integer, and the clients that call them decode it as an int64 (a UUID makes them fail).
 * Existing users are numbered 1, 2, … in creation order (created_at, then id). New users take the next
 * value of the `user_number` counter, in the transaction that inserts them
 * (src/store/repositories/users.ts): the counter row is updated first, so concurrent creators queue
 * on it (PostgreSQL row lock; SQLite has one writer) and never share a number. The counter only
 * grows, so a deleted user's number is never given to someone else (an application that stored it
 * would otherwise hand the old account to the new user). A unique index holds the rule too.
 * Frozen in time: imports nothing from src/; UPDATE … FROM and row_number() run on SQLite (3.33+)
 * and PostgreSQL alike.
 */
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('counters')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'integer', (c) => c.notNull())
    .execute()
  await db.schema.alterTable('users').addColumn('number', 'integer').execute()
  await sql`
    update users set number = ranked.n
    from (select id, row_number() over (order by created_at, id) as n from users) as ranked
    where ranked.id = users.id`.execute(db)
  await db.schema.createIndex('users_number').on('users').unique().column('number').execute()
  await sql`insert into counters (name, value) select 'user_number', coalesce(max(number), 0) from users`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('users_number').execute()
  await db.schema.alterTable('users').dropColumn('number').execute()
  await db.schema.dropTable('counters').execute()
}
