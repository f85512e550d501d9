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

/**
 * True when the insert was refused for a client_id already taken (issue 16: chosen client ids): the
 * unique index's error as SQLite words it, or PostgreSQL's unique_violation (23505) on that column's
 * constraint. Read from the error itself, since on PostgreSQL the failed transaction can run nothing more.
 */
export function isClientIdTaken(e: unknown): boolean {
  const err = e as { code?: unknown; constraint?: unknown; message?: unknown } | null
  if (err?.code === '23505') return typeof err.constraint !== 'string' || err.constraint.includes('client_id')
  return typeof err?.message === 'string' && err.message.includes('UNIQUE constraint failed: applications.client_id')
}
