import type { Db, NewRow, Row, RowPatch } from '../database.ts'
import { takeNextValue } from './counters.ts'

export type UserRow = Row<'users'>

/**
 * Inserts a user with the next user number (migration 2026_12_02_300) and returns that number. Run
 * it in the transaction that creates the user, so a failed creation gives the number back.
 */
export async function insertUser(db: Db, row: Omit<NewRow<'users'>, 'number'>): Promise<number> {
  const number = await takeNextValue(db, 'user_number')
  await db
    .insertInto('users')
    .values({ ...row, number })
    .execute()
  return number
}
export function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst()
}
/**
 * Usernames and e-mail addresses are matched regardless of case, as the unique indexes on
 * lower(username) and lower(email) enforce (migration 2026_12_02_000). Both sides go through the
 * database's own lower(), so a lookup folds case exactly as the index does on each engine.
 */
export function findUserByUsername(db: Db, username: string): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where((eb) => eb(eb.fn('lower', ['username']), '=', eb.fn('lower', [eb.cast(eb.val(username), 'text')])))
    .executeTakeFirst()
}
export function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where((eb) => eb(eb.fn('lower', ['email']), '=', eb.fn('lower', [eb.cast(eb.val(email), 'text')])))
    .executeTakeFirst()
}
/** Sessions, grants, codes, tokens and device codes go with the row (ON DELETE CASCADE). */
export async function deleteUser(db: Db, id: string): Promise<boolean> {
  const r = await db.deleteFrom('users').where('id', '=', id).executeTakeFirst()
  return r.numDeletedRows > 0n
}
export function listUsers(db: Db): Promise<UserRow[]> {
  return db.selectFrom('users').selectAll().orderBy('id').execute()
}
export async function updateUser(db: Db, id: string, patch: RowPatch<'users'>): Promise<boolean> {
  const r = await db.updateTable('users').set(patch).where('id', '=', id).executeTakeFirst()
  return r.numUpdatedRows > 0n
}
/** Compare-and-set: replaces the hash only if it is still `from` (a concurrent password change wins). */
export async function replacePasswordHash(db: Db, id: string, from: string, to: string): Promise<boolean> {
  const r = await db
    .updateTable('users')
    .set({ password_hash: to })
    .where('id', '=', id)
    .where('password_hash', '=', from)
    .executeTakeFirst()
  return r.numUpdatedRows > 0n
}
