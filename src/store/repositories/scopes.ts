import type { Db, NewRow, Row, RowPatch } from '../database.ts'

export type ScopeRow = Row<'scopes'>

export function listScopes(db: Db): Promise<ScopeRow[]> {
  return db.selectFrom('scopes').selectAll().orderBy('name').execute()
}
export function insertScope(db: Db, row: NewRow<'scopes'>): Promise<unknown> {
  return db.insertInto('scopes').values(row).execute()
}
export async function updateScope(db: Db, name: string, patch: RowPatch<'scopes'>): Promise<boolean> {
  const r = await db.updateTable('scopes').set(patch).where('name', '=', name).executeTakeFirst()
  return r.numUpdatedRows > 0n
}
export async function deleteScope(db: Db, name: string): Promise<boolean> {
  const r = await db.deleteFrom('scopes').where('name', '=', name).executeTakeFirst()
  return r.numDeletedRows > 0n
}
