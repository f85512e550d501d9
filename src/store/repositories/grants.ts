import type { Db, Row } from '../database.ts'

export type GrantRow = Row<'grants'>

export function findGrant(db: Db, userId: string, applicationId: string): Promise<GrantRow | undefined> {
  return db
    .selectFrom('grants')
    .selectAll()
    .where('user_id', '=', userId)
    .where('application_id', '=', applicationId)
    .executeTakeFirst()
}

/** Records (or widens) a user's consent; one row per user and application. */
export async function upsertGrant(db: Db, row: { id: string; user_id: string; application_id: string; scopes: string; now: number }): Promise<void> {
  await db
    .insertInto('grants')
    .values({ id: row.id, user_id: row.user_id, application_id: row.application_id, scopes: row.scopes, created_at: row.now, updated_at: row.now, revoked_at: null })
    .onConflict((oc) => oc.columns(['user_id', 'application_id']).doUpdateSet({ scopes: row.scopes, updated_at: row.now, revoked_at: null }))
    .execute()
}

export function listLiveGrantsOfUser(db: Db, userId: string): Promise<GrantRow[]> {
  return db.selectFrom('grants').selectAll().where('user_id', '=', userId).where('revoked_at', 'is', null).orderBy('updated_at', 'desc').execute()
}

export function findGrantById(db: Db, id: string): Promise<GrantRow | undefined> {
  return db.selectFrom('grants').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function markGrantRevoked(db: Db, id: string, now: number): Promise<boolean> {
  const r = await db.updateTable('grants').set({ revoked_at: now, updated_at: now }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst()
  return r.numUpdatedRows > 0n
}
