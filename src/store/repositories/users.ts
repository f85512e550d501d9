import type { Db, NewRow, Row, RowPatch } from '../database.ts'

export type UserRow = Row<'users'>

export function insertUser(db: Db, row: NewRow<'users'>): Promise<unknown> {
  return db.insertInto('users').values(row).execute()
}
export function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst()
}
export function findUserByUsername(db: Db, username: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst()
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
  const r = await db.updateTable('users').set({ password_hash: to }).where('id', '=', id).where('password_hash', '=', from).executeTakeFirst()
  return r.numUpdatedRows > 0n
}
