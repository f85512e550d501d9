/** @module The first-run setup link and password-reset links (issue 17): stored by the SHA-256 of their token. */
import type { Db, NewRow, Row } from '../database.ts'

export type OneTimeLinkRow = Row<'one_time_links'>
export type LinkPurpose = OneTimeLinkRow['purpose']

export function insertOneTimeLink(db: Db, row: NewRow<'one_time_links'>): Promise<unknown> {
  return db.insertInto('one_time_links').values(row).execute()
}

/** The link with this token hash and purpose, used or not, expired or not (the caller says why it fails). */
export function findOneTimeLinkByHash(
  db: Db,
  purpose: LinkPurpose,
  tokenHash: string,
): Promise<OneTimeLinkRow | undefined> {
  return db
    .selectFrom('one_time_links')
    .selectAll()
    .where('purpose', '=', purpose)
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst()
}

/**
 * Marks the link used if it still is unused and unexpired: a conditional update, so of two requests
 * racing with the same link exactly one sees true (the row lock on PostgreSQL, the writer lock on SQLite).
 */
export async function useOneTimeLink(db: Db, id: string, now: number): Promise<boolean> {
  const r = await db
    .updateTable('one_time_links')
    .set({ used_at: now })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst()
  return r.numUpdatedRows > 0n
}

/** Ends every unused link of a purpose (for one user, or the setup links when `userId` is null). */
export async function expireUnusedLinks(db: Db, purpose: LinkPurpose, userId: string | null, now: number) {
  const r = await db
    .updateTable('one_time_links')
    .set({ expires_at: now })
    .where('purpose', '=', purpose)
    .where((eb) => (userId === null ? eb('user_id', 'is', null) : eb('user_id', '=', userId)))
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst()
  return Number(r.numUpdatedRows)
}

/** Whether any account exists at all (first run: the setup link is for an empty database only). */
export async function anyUserExists(db: Db): Promise<boolean> {
  return (await db.selectFrom('users').select('id').limit(1).executeTakeFirst()) !== undefined
}
