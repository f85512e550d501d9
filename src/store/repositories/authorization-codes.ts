import type { Db, NewRow, Row } from '../database.ts'

export type AuthorizationCodeRow = Row<'authorization_codes'>

export function insertAuthorizationCode(db: Db, row: NewRow<'authorization_codes'>): Promise<unknown> {
  return db.insertInto('authorization_codes').values(row).execute()
}
export function findAuthorizationCodeByHash(db: Db, codeHash: string): Promise<AuthorizationCodeRow | undefined> {
  return db.selectFrom('authorization_codes').selectAll().where('code_hash', '=', codeHash).executeTakeFirst()
}
/** Marks the code used; false when another request consumed it first (one-time use, RFC 6749 §4.1.2). */
export async function consumeAuthorizationCode(db: Db, id: string, now: number): Promise<boolean> {
  const r = await db
    .updateTable('authorization_codes')
    .set({ consumed_at: now })
    .where('id', '=', id)
    .where('consumed_at', 'is', null)
    .executeTakeFirst()
  return r.numUpdatedRows === 1n
}

/** Ends a user's outstanding codes (for one application, or all), so none can mint tokens later. */
export async function invalidateOutstandingCodes(
  db: Db,
  userId: string,
  applicationId: string | null,
  now: number,
): Promise<void> {
  let q = db
    .updateTable('authorization_codes')
    .set({ consumed_at: now })
    .where('user_id', '=', userId)
    .where('consumed_at', 'is', null)
  if (applicationId !== null) q = q.where('application_id', '=', applicationId)
  await q.execute()
}
