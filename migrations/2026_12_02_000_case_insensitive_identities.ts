/**
 * Usernames and e-mail addresses become unique regardless of case (issue 14 §3): `bob` and `Bob`
 * were two accounts, and forges that link accounts by e-mail or lowercase username could hand one
 * person's account to another. Unique indexes on lower(username) and lower(email), which lookups
 * use (src/store/repositories/users.ts).
 *
 * A database may already hold case-duplicates. Nobody is lost and every change is audited:
 * - usernames: the oldest account (created_at, then id) keeps its name; each later one is renamed
 *   `name~2`, `name~3`, … (`~` cannot occur in a username, so the new name is nobody else's). The
 *   person signs in with the new name; event `user.renamed_case_duplicate` has both names.
 * - e-mail: the oldest account keeps the address; later ones lose it (set to null) and get event
 *   `user.email_cleared_case_duplicate` with the address, so an administrator can sort it out.
 * Frozen in time: imports nothing from src/; lower() exists on SQLite and PostgreSQL alike.
 */
import { sql, type Kysely } from 'kysely'

interface Account {
  id: string
  username: string
  email: string | null
  username_key: string
  email_key: string | null
}

export async function up(db: Kysely<any>): Promise<void> {
  const accounts = (await db
    .selectFrom('users')
    .select([
      'id',
      'username',
      'email',
      sql<string>`lower(username)`.as('username_key'),
      sql<string | null>`lower(email)`.as('email_key'),
    ])
    .orderBy('created_at')
    .orderBy('id')
    .execute()) as Account[]
  const now = Math.floor(Date.now() / 1000)
  await renameDuplicateUsernames(db, accounts, now)
  await clearDuplicateEmails(db, accounts, now)
  await db.schema.createIndex('users_username_lower').on('users').unique().expression(sql`lower(username)`).execute()
  await db.schema.createIndex('users_email_lower').on('users').unique().expression(sql`lower(email)`).execute()
}

async function renameDuplicateUsernames(db: Kysely<any>, oldestFirst: Account[], now: number): Promise<void> {
  const taken = new Set(oldestFirst.map((a) => a.username_key))
  const seen = new Set<string>()
  for (const a of oldestFirst) {
    if (!seen.has(a.username_key)) {
      seen.add(a.username_key)
      continue
    }
    let n = 2
    while (taken.has(`${a.username_key}~${n}`)) n++
    const renamed = `${a.username}~${n}`
    taken.add(renamed.toLowerCase())
    await db.updateTable('users').set({ username: renamed, updated_at: now }).where('id', '=', a.id).execute()
    await audit(db, 'user.renamed_case_duplicate', a.id, { from: a.username, to: renamed }, now)
  }
}

async function clearDuplicateEmails(db: Kysely<any>, oldestFirst: Account[], now: number): Promise<void> {
  const seen = new Set<string>()
  for (const a of oldestFirst) {
    if (a.email_key === null) continue
    if (!seen.has(a.email_key)) {
      seen.add(a.email_key)
      continue
    }
    await db.updateTable('users').set({ email: null, updated_at: now }).where('id', '=', a.id).execute()
    await audit(db, 'user.email_cleared_case_duplicate', a.id, { email: a.email }, now)
  }
}

function audit(db: Kysely<any>, type: string, userId: string, detail: Record<string, unknown>, now: number) {
  return db
    .insertInto('audit_events')
    .values({
      id: Bun.randomUUIDv7(),
      type,
      actor_user_id: null,
      user_id: userId,
      application_id: null,
      ip: null,
      detail: JSON.stringify(detail),
      created_at: now,
    })
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('users_email_lower').execute()
  await db.schema.dropIndex('users_username_lower').execute()
}
