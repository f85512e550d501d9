import type { Db, NewRow, Row } from '../database.ts'

export type AccessTokenRow = Row<'access_tokens'>
export type RefreshTokenRow = Row<'refresh_tokens'>

export function insertAccessToken(db: Db, row: NewRow<'access_tokens'>): Promise<unknown> {
  return db.insertInto('access_tokens').values(row).execute()
}
export function insertRefreshToken(db: Db, row: NewRow<'refresh_tokens'>): Promise<unknown> {
  return db.insertInto('refresh_tokens').values(row).execute()
}
export function findAccessTokenByHash(db: Db, tokenHash: string): Promise<AccessTokenRow | undefined> {
  return db.selectFrom('access_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst()
}
export function findRefreshTokenByHash(db: Db, tokenHash: string): Promise<RefreshTokenRow | undefined> {
  return db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst()
}

/** Marks a refresh token rotated; false when it was already rotated or revoked (a replay). */
export async function markRefreshTokenRotated(db: Db, id: string, now: number): Promise<boolean> {
  const r = await db
    .updateTable('refresh_tokens')
    .set({ rotated_at: now })
    .where('id', '=', id)
    .where('rotated_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  return r.numUpdatedRows === 1n
}

/** RFC 9700 §4.14.2: revokes every refresh and access token of a refresh family. */
export async function revokeFamily(db: Db, familyId: string, now: number): Promise<void> {
  await db.updateTable('refresh_tokens').set({ revoked_at: now }).where('family_id', '=', familyId).where('revoked_at', 'is', null).execute()
  await revokeAccessTokensOfFamily(db, familyId, now)
}

export async function revokeAccessTokensOfFamily(db: Db, familyId: string, now: number): Promise<void> {
  await db.updateTable('access_tokens').set({ revoked_at: now }).where('family_id', '=', familyId).where('revoked_at', 'is', null).execute()
}

/** Every family started from one authorization code (RFC 6749 §4.1.2: revoke on code reuse). */
export async function familiesOfCode(db: Db, codeId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('access_tokens')
    .select('family_id')
    .where('authorization_code_id', '=', codeId)
    .where('family_id', 'is not', null)
    .execute()
  return [...new Set(rows.map((r) => r.family_id as string))]
}

export async function revokeAccessTokenById(db: Db, id: string, now: number): Promise<void> {
  await db.updateTable('access_tokens').set({ revoked_at: now }).where('id', '=', id).where('revoked_at', 'is', null).execute()
}

export async function revokeTokensOfGrant(db: Db, userId: string, applicationId: string, now: number): Promise<void> {
  await db.updateTable('refresh_tokens').set({ revoked_at: now }).where('user_id', '=', userId).where('application_id', '=', applicationId).where('revoked_at', 'is', null).execute()
  await db.updateTable('access_tokens').set({ revoked_at: now }).where('user_id', '=', userId).where('application_id', '=', applicationId).where('revoked_at', 'is', null).execute()
}

export async function revokeTokensOfUser(db: Db, userId: string, now: number): Promise<void> {
  await db.updateTable('refresh_tokens').set({ revoked_at: now }).where('user_id', '=', userId).where('revoked_at', 'is', null).execute()
  await db.updateTable('access_tokens').set({ revoked_at: now }).where('user_id', '=', userId).where('revoked_at', 'is', null).execute()
}
