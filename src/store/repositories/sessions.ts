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
