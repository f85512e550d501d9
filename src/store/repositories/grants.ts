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
