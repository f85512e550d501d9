import type { Db, NewRow, Row } from '../database.ts'

export type SigningKeyRow = Row<'signing_keys'>

export function insertSigningKey(db: Db, row: NewRow<'signing_keys'>): Promise<unknown> {
  return db.insertInto('signing_keys').values(row).execute()
}
/**
 * Keys that sign (active) or are still published because tokens they signed may be alive. Newest
 * first, the id breaking ties, so every instance picks the same active key even if two instances
 * created one each in the same second on first start.
 */
export function listPublishedKeys(db: Db, now: number): Promise<SigningKeyRow[]> {
  return db
    .selectFrom('signing_keys')
    .selectAll()
    .where((eb) => eb.or([eb('status', '=', 'active'), eb('publish_until', '>', now)]))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute()
}
export function listActiveKeys(db: Db): Promise<SigningKeyRow[]> {
  return db
    .selectFrom('signing_keys')
    .selectAll()
    .where('status', '=', 'active')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute()
}
