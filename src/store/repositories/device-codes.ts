import type { Db, NewRow, Row } from '../database.ts'

export type DeviceCodeRow = Row<'device_codes'>

export function insertDeviceCode(db: Db, row: NewRow<'device_codes'>): Promise<unknown> {
  return db.insertInto('device_codes').values(row).execute()
}
export function findDeviceCodeByHash(db: Db, hash: string): Promise<DeviceCodeRow | undefined> {
  return db.selectFrom('device_codes').selectAll().where('device_code_hash', '=', hash).executeTakeFirst()
}
export function findDeviceCodeByUserCodeHash(db: Db, hash: string): Promise<DeviceCodeRow | undefined> {
  return db.selectFrom('device_codes').selectAll().where('user_code_hash', '=', hash).executeTakeFirst()
}
/**
 * Takes this poll's turn: true only when the previous poll was at least `interval` seconds ago.
 * One conditional statement, so of two simultaneous polls (on any instance) only one gets through.
 */
export async function claimPoll(db: Db, id: string, now: number): Promise<boolean> {
  const r = await db
    .updateTable('device_codes')
    .set({ last_polled_at: now })
    .where('id', '=', id)
    .where((eb) =>
      eb.or([eb('last_polled_at', 'is', null), eb(eb('last_polled_at', '+', eb.ref('interval')), '<=', now)]),
    )
    .executeTakeFirst()
  return r.numUpdatedRows === 1n
}
/** RFC 8628 §3.5 slow_down: the interval grows by `step` seconds, counted from this poll. */
export async function slowDown(db: Db, id: string, now: number, step: number): Promise<void> {
  await db
    .updateTable('device_codes')
    .set((eb) => ({ last_polled_at: now, interval: eb('interval', '+', step) }))
    .where('id', '=', id)
    .execute()
}
/** Records the user's decision once: only a pending, unexpired code can be decided (RFC 8628 §3.3). */
export async function decideDeviceCode(
  db: Db,
  id: string,
  decision: { status: 'approved' | 'denied'; userId: string; authTime: number; now: number },
): Promise<boolean> {
  const r = await db
    .updateTable('device_codes')
    .set({ status: decision.status, user_id: decision.userId, auth_time: decision.authTime })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('expires_at', '>', decision.now)
    .executeTakeFirst()
  return r.numUpdatedRows === 1n
}
/** Tokens exactly once: only one poll can move an approved code to consumed. */
export async function consumeApprovedDeviceCode(db: Db, id: string): Promise<boolean> {
  const r = await db
    .updateTable('device_codes')
    .set({ status: 'consumed' })
    .where('id', '=', id)
    .where('status', '=', 'approved')
    .executeTakeFirst()
  return r.numUpdatedRows === 1n
}
/**
 * Withdraws approvals not yet redeemed (status `approved` → `denied`), so a device that has not
 * polled yet gets access_denied after the user revoked the grant or was disabled or deleted.
 */
export async function denyApprovedDeviceCodes(db: Db, userId: string, applicationId: string | null): Promise<void> {
  let q = db
    .updateTable('device_codes')
    .set({ status: 'denied' })
    .where('user_id', '=', userId)
    .where('status', '=', 'approved')
  if (applicationId !== null) q = q.where('application_id', '=', applicationId)
  await q.execute()
}
