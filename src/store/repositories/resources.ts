import type { Db, NewRow, Row, RowPatch } from '../database.ts'

export type ResourceRow = Row<'resources'>

export function listResources(db: Db): Promise<ResourceRow[]> {
  return db.selectFrom('resources').selectAll().orderBy('name').execute()
}
export function insertResource(db: Db, row: NewRow<'resources'>): Promise<unknown> {
  return db.insertInto('resources').values(row).execute()
}
export async function updateResource(db: Db, id: string, patch: RowPatch<'resources'>): Promise<boolean> {
  const r = await db.updateTable('resources').set(patch).where('id', '=', id).executeTakeFirst()
  return r.numUpdatedRows > 0n
}
export async function deleteResource(db: Db, id: string): Promise<boolean> {
  const r = await db.deleteFrom('resources').where('id', '=', id).executeTakeFirst()
  return r.numDeletedRows > 0n
}
/** A deleted resource's live access tokens stop working at once (its refresh tokens fail at their next use). */
export async function revokeAccessTokensForAudience(db: Db, audience: string, now: number): Promise<void> {
  await db
    .updateTable('access_tokens')
    .set({ revoked_at: now })
    .where('audience', '=', audience)
    .where('revoked_at', 'is', null)
    .execute()
}
