/** @module Initial access tokens (RFC 7591 §3), found by the SHA-256 of their value, never by the value. */
import type { Db, NewRow, Row } from '../database.ts'

export type RegistrationTokenRow = Row<'registration_tokens'>

export function insertRegistrationToken(db: Db, row: NewRow<'registration_tokens'>): Promise<unknown> {
  return db.insertInto('registration_tokens').values(row).execute()
}
export function findRegistrationTokenByHash(db: Db, hash: string): Promise<RegistrationTokenRow | undefined> {
  return db.selectFrom('registration_tokens').selectAll().where('token_hash', '=', hash).executeTakeFirst()
}
export function findRegistrationTokenById(db: Db, id: string): Promise<RegistrationTokenRow | undefined> {
  return db.selectFrom('registration_tokens').selectAll().where('id', '=', id).executeTakeFirst()
}
export function listRegistrationTokens(db: Db): Promise<RegistrationTokenRow[]> {
  return db.selectFrom('registration_tokens').selectAll().orderBy('created_at', 'desc').orderBy('id').execute()
}
export async function revokeRegistrationToken(db: Db, id: string, now: number): Promise<boolean> {
  const r = await db
    .updateTable('registration_tokens')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  return r.numUpdatedRows > 0n
}

/**
 * Counts one use, only while the token is usable: not revoked, not expired, under its ceiling. One
 * conditional UPDATE, so two registrations racing for a token's last use cannot both have it.
 */
export async function useRegistrationToken(db: Db, id: string, now: number): Promise<boolean> {
  const r = await db
    .updateTable('registration_tokens')
    .set((eb) => ({ use_count: eb('use_count', '+', 1), last_used_at: now }))
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .where((eb) => eb.or([eb('max_uses', 'is', null), eb('use_count', '<', eb.ref('max_uses'))]))
    .executeTakeFirst()
  return r.numUpdatedRows > 0n
}
