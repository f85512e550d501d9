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

/**
 * The first consent of a user for an application; false when a grant row exists already (maybe
 * just inserted by a concurrent approval).
 */
export async function insertGrantIfAbsent(
  db: Db,
  row: { id: string; user_id: string; application_id: string; scopes: string; now: number },
): Promise<boolean> {
  const r = await db
    .insertInto('grants')
    .values({
      id: row.id,
      user_id: row.user_id,
      application_id: row.application_id,
      scopes: row.scopes,
      created_at: row.now,
      updated_at: row.now,
      revoked_at: null,
    })
    .onConflict((oc) => oc.columns(['user_id', 'application_id']).doNothing())
    .executeTakeFirst()
  return (r.numInsertedOrUpdatedRows ?? 0n) === 1n
}

/**
 * Compare-and-set: replaces the scopes (and lifts a revocation) only if the row still holds what
 * the caller read, so two concurrent approvals cannot overwrite each other's scopes.
 */
export async function replaceGrantScopes(db: Db, seen: GrantRow, scopes: string, now: number): Promise<boolean> {
  const r = await db
    .updateTable('grants')
    .set({ scopes, updated_at: now, revoked_at: null })
    .where('id', '=', seen.id)
    .where('scopes', '=', seen.scopes)
    .where('revoked_at', seen.revoked_at === null ? 'is' : '=', seen.revoked_at)
    .executeTakeFirst()
  return r.numUpdatedRows === 1n
}

export function listLiveGrantsOfUser(db: Db, userId: string): Promise<GrantRow[]> {
  return db
    .selectFrom('grants')
    .selectAll()
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .orderBy('updated_at', 'desc')
    .execute()
}

export function findGrantById(db: Db, id: string): Promise<GrantRow | undefined> {
  return db.selectFrom('grants').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function markGrantRevoked(db: Db, id: string, now: number): Promise<boolean> {
  const r = await db
    .updateTable('grants')
    .set({ revoked_at: now, updated_at: now })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  return r.numUpdatedRows > 0n
}
