import type { Db, NewRow, Row } from '../database.ts'

export type SessionRow = Row<'sessions'>

export function insertSession(db: Db, row: NewRow<'sessions'>): Promise<unknown> {
  return db.insertInto('sessions').values(row).execute()
}
export function findLiveSessionByHash(db: Db, tokenHash: string, now: number): Promise<SessionRow | undefined> {
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst()
}
export function revokeSessionByHash(db: Db, tokenHash: string, now: number): Promise<unknown> {
  return db.updateTable('sessions').set({ revoked_at: now }).where('token_hash', '=', tokenHash).execute()
}
export function revokeSessionsOfUser(db: Db, userId: string, now: number): Promise<unknown> {
  return db
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute()
}
/** A user's live sessions, most recently used first (issue 17: the account page lists them). */
export function listLiveSessionsOfUser(db: Db, userId: string, now: number): Promise<SessionRow[]> {
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute()
}
/** Ends one of the user's sessions by id; false when it is not theirs or already ended. */
export async function revokeSessionOfUser(db: Db, userId: string, id: string, now: number): Promise<boolean> {
  const r = await db
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  return r.numUpdatedRows > 0n
}
/** Ends every session of the user but one (the one the request came with); returns how many. */
export async function revokeOtherSessionsOfUser(db: Db, userId: string, keepId: string, now: number) {
  const r = await db
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('id', '!=', keepId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  return Number(r.numUpdatedRows)
}
/** Records that the session was seen, only if it was not seen since `notSince` (one write per few minutes). */
export function touchSession(db: Db, id: string, now: number, notSince: number): Promise<unknown> {
  return db
    .updateTable('sessions')
    .set({ last_seen_at: now })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_seen_at', 'is', null), eb('last_seen_at', '<', notSince)]))
    .execute()
}
