import type { Db, NewRow, Row, RowPatch } from '../database.ts'

export type ApplicationRow = Row<'applications'>

export function insertApplication(db: Db, row: NewRow<'applications'>): Promise<unknown> {
  return db.insertInto('applications').values(row).execute()
}
export function findApplicationByClientId(db: Db, clientId: string): Promise<ApplicationRow | undefined> {
  return db.selectFrom('applications').selectAll().where('client_id', '=', clientId).executeTakeFirst()
}
export function findApplicationById(db: Db, id: string): Promise<ApplicationRow | undefined> {
  return db.selectFrom('applications').selectAll().where('id', '=', id).executeTakeFirst()
}
export function listApplications(db: Db): Promise<ApplicationRow[]> {
  return db.selectFrom('applications').selectAll().orderBy('id').execute()
}
export async function updateApplication(db: Db, id: string, patch: RowPatch<'applications'>): Promise<boolean> {
  const r = await db.updateTable('applications').set(patch).where('id', '=', id).executeTakeFirst()
  return r.numUpdatedRows > 0n
}
export async function deleteApplication(db: Db, id: string): Promise<boolean> {
  const r = await db.deleteFrom('applications').where('id', '=', id).executeTakeFirst()
  return r.numDeletedRows > 0n
}
