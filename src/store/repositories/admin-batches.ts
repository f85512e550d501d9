/**
 * @module
 * Batched reads and bulk writes for the admin API: one query for a whole page of ids (the
 * DataLoader side of "no N+1"), grouped counts, and revocations by owner.
 */
import { sql } from 'kysely'
import type { Db, Row } from '../database.ts'

export function applicationsByIds(db: Db, ids: readonly string[]): Promise<Row<'applications'>[]> {
  return ids.length
    ? db
        .selectFrom('applications')
        .selectAll()
        .where('id', 'in', [...ids])
        .execute()
    : Promise.resolve([])
}
export function usersByIds(db: Db, ids: readonly string[]): Promise<Row<'users'>[]> {
  return ids.length
    ? db
        .selectFrom('users')
        .selectAll()
        .where('id', 'in', [...ids])
        .execute()
    : Promise.resolve([])
}
export function grantsByIds(db: Db, ids: readonly string[]): Promise<Row<'grants'>[]> {
  return ids.length
    ? db
        .selectFrom('grants')
        .selectAll()
        .where('id', 'in', [...ids])
        .execute()
    : Promise.resolve([])
}
export function auditEventsByIds(db: Db, ids: readonly string[]): Promise<Row<'audit_events'>[]> {
  return ids.length
    ? db
        .selectFrom('audit_events')
        .selectAll()
        .where('id', 'in', [...ids])
        .execute()
    : Promise.resolve([])
}
export function signingKeysByIds(db: Db, ids: readonly string[]): Promise<Row<'signing_keys'>[]> {
  return ids.length
    ? db
        .selectFrom('signing_keys')
        .selectAll()
        .where('id', 'in', [...ids])
        .execute()
    : Promise.resolve([])
}

/**
 * Live (not revoked, rotated or expired) access and refresh tokens per application. The counters
 * kept by triggers (migration 2026_11_28_000) give every token expiring after the current hour; the
 * current hour's tokens, some of them already expired, are counted exactly through the
 * (application_id, revoked_at, …, expires_at) indexes. Nothing reads an application's older tokens,
 * so a page costs the same over a million tokens as over none.
 */
export async function countActiveTokensByApplication(
  db: Db,
  applicationIds: readonly string[],
  now: number,
): Promise<Map<string, number>> {
  if (!applicationIds.length) return new Map()
  const ids = [...applicationIds]
  const hour = Math.floor(now / 3600)
  const hourEnd = (hour + 1) * 3600
  const later = db
    .selectFrom('live_token_counts')
    .select(['application_id', sql<number>`sum(n)`.as('n')])
    .where('application_id', 'in', ids)
    .where('expires_hour', '>', hour)
    .groupBy('application_id')
  const access = db
    .selectFrom('access_tokens')
    .select(['application_id', sql<number>`count(*)`.as('n')])
    .where('application_id', 'in', ids)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .where('expires_at', '<', hourEnd)
    .groupBy('application_id')
  const refresh = db
    .selectFrom('refresh_tokens')
    .select(['application_id', sql<number>`count(*)`.as('n')])
    .where('application_id', 'in', ids)
    .where('revoked_at', 'is', null)
    .where('rotated_at', 'is', null)
    .where('expires_at', '>', now)
    .where('expires_at', '<', hourEnd)
    .groupBy('application_id')
  const rows = await access.unionAll(refresh).unionAll(later).execute()
  const out = new Map<string, number>()
  for (const r of rows) if (r.application_id) out.set(r.application_id, (out.get(r.application_id) ?? 0) + Number(r.n))
  return out
}

export async function countActiveGrantsByApplication(
  db: Db,
  applicationIds: readonly string[],
): Promise<Map<string, number>> {
  if (!applicationIds.length) return new Map()
  const rows = await db
    .selectFrom('grants')
    .select(['application_id', sql<number>`count(*)`.as('n')])
    .where('application_id', 'in', [...applicationIds])
    .where('revoked_at', 'is', null)
    .groupBy('application_id')
    .execute()
  return new Map(rows.map((r) => [r.application_id, Number(r.n)]))
}

/** Revokes one access token, or a refresh token with its whole family (RFC 7009 §2.1). */
export async function revokeAccessTokenAndFamily(db: Db, id: string, now: number): Promise<boolean> {
  const row = await db
    .selectFrom('access_tokens')
    .select(['family_id', 'revoked_at'])
    .where('id', '=', id)
    .executeTakeFirst()
  if (!row) return false
  await db
    .updateTable('access_tokens')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute()
  if (row.family_id !== null) await revokeFamilyById(db, row.family_id, now)
  return true
}
export async function revokeRefreshTokenFamily(db: Db, id: string, now: number): Promise<boolean> {
  const row = await db.selectFrom('refresh_tokens').select('family_id').where('id', '=', id).executeTakeFirst()
  if (!row) return false
  await revokeFamilyById(db, row.family_id, now)
  return true
}
async function revokeFamilyById(db: Db, familyId: string, now: number): Promise<void> {
  await db
    .updateTable('refresh_tokens')
    .set({ revoked_at: now })
    .where('family_id', '=', familyId)
    .where('revoked_at', 'is', null)
    .execute()
  await db
    .updateTable('access_tokens')
    .set({ revoked_at: now })
    .where('family_id', '=', familyId)
    .where('revoked_at', 'is', null)
    .execute()
}

/** Every live token issued to an application; returns how many were revoked. */
export async function revokeTokensOfApplication(db: Db, applicationId: string, now: number): Promise<number> {
  const r = await db
    .updateTable('refresh_tokens')
    .set({ revoked_at: now })
    .where('application_id', '=', applicationId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  const a = await db
    .updateTable('access_tokens')
    .set({ revoked_at: now })
    .where('application_id', '=', applicationId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  return Number(r.numUpdatedRows) + Number(a.numUpdatedRows)
}
/** Every live token a user holds (OAuth and personal); returns how many were revoked. */
export async function countAndRevokeTokensOfUser(db: Db, userId: string, now: number): Promise<number> {
  const r = await db
    .updateTable('refresh_tokens')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  const a = await db
    .updateTable('access_tokens')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  return Number(r.numUpdatedRows) + Number(a.numUpdatedRows)
}

/** Retires the active key of an algorithm, keeping it published until `publishUntil`. */
export async function retireActiveKeys(db: Db, alg: string, now: number, publishUntil: number): Promise<number> {
  const r = await db
    .updateTable('signing_keys')
    .set({ status: 'retired', retired_at: now, publish_until: publishUntil })
    .where('alg', '=', alg)
    .where('status', '=', 'active')
    .executeTakeFirst()
  return Number(r.numUpdatedRows)
}
