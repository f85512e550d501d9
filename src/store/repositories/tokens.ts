import type { Db, NewRow, Row } from '../database.ts'
import { precompiled } from './precompiled.ts'

export type AccessTokenRow = Row<'access_tokens'>
export type RefreshTokenRow = Row<'refresh_tokens'>

// The statements of every token request are compiled once (see precompiled.ts for why).
const ACCESS_TOKEN_COLUMNS = [
  'id',
  'token_hash',
  'hint',
  'kind',
  'application_id',
  'user_id',
  'scopes',
  'family_id',
  'authorization_code_id',
  'created_at',
  'expires_at',
  'last_used_at',
  'revoked_at',
  'audience',
] as const satisfies ReadonlyArray<keyof NewRow<'access_tokens'>>
const REFRESH_TOKEN_COLUMNS = [
  'id',
  'token_hash',
  'hint',
  'family_id',
  'application_id',
  'user_id',
  'scopes',
  'auth_time',
  'nonce',
  'authorization_code_id',
  'created_at',
  'expires_at',
  'rotated_at',
  'revoked_at',
  'resources',
] as const satisfies ReadonlyArray<keyof NewRow<'refresh_tokens'>>
/** A row of nulls in column order: the compiled INSERT binds values in this order. */
const template = (columns: readonly string[]) => Object.fromEntries(columns.map((c) => [c, null])) as never

const insertAccess = precompiled((db) => db.insertInto('access_tokens').values(template(ACCESS_TOKEN_COLUMNS)))
const insertRefresh = precompiled((db) => db.insertInto('refresh_tokens').values(template(REFRESH_TOKEN_COLUMNS)))

export async function insertAccessToken(db: Db, row: NewRow<'access_tokens'>): Promise<void> {
  await insertAccess(
    db,
    ACCESS_TOKEN_COLUMNS.map((c) => row[c] ?? null),
  )
}
export async function insertRefreshToken(db: Db, row: NewRow<'refresh_tokens'>): Promise<void> {
  await insertRefresh(
    db,
    REFRESH_TOKEN_COLUMNS.map((c) => row[c] ?? null),
  )
}

/** The owner fields a live token's checks need, read in the same query as the token. */
export interface TokenOwners {
  /** Null when the token has no user, or its user row is gone. */
  owner_user_id: string | null
  owner_username: string | null
  owner_disabled_at: number | null
  /** Null when the token has no application, or its application row is gone. */
  owner_client_id: string | null
}

/**
 * An access token with its user and application, in one query instead of three (introspection,
 * token info and userinfo run this on every request).
 */
export async function findAccessTokenWithOwnersByHash(
  db: Db,
  tokenHash: string,
): Promise<(AccessTokenRow & TokenOwners) | undefined> {
  return (await accessWithOwners(db, [tokenHash])).rows[0]
}
const accessWithOwners = precompiled((db) =>
  db
    .selectFrom('access_tokens as t')
    .leftJoin('users as u', 'u.id', 't.user_id')
    .leftJoin('applications as a', 'a.id', 't.application_id')
    .selectAll('t')
    .select([
      'u.id as owner_user_id',
      'u.username as owner_username',
      'u.disabled_at as owner_disabled_at',
      'a.client_id as owner_client_id',
    ])
    .where('t.token_hash', '=', ''),
)

/** A refresh token with its user and application, in one query (see the access-token twin). */
export async function findRefreshTokenWithOwnersByHash(
  db: Db,
  tokenHash: string,
): Promise<(RefreshTokenRow & TokenOwners) | undefined> {
  return (await refreshWithOwners(db, [tokenHash])).rows[0]
}
const refreshWithOwners = precompiled((db) =>
  db
    .selectFrom('refresh_tokens as t')
    .leftJoin('users as u', 'u.id', 't.user_id')
    .leftJoin('applications as a', 'a.id', 't.application_id')
    .selectAll('t')
    .select([
      'u.id as owner_user_id',
      'u.username as owner_username',
      'u.disabled_at as owner_disabled_at',
      'a.client_id as owner_client_id',
    ])
    .where('t.token_hash', '=', ''),
)

/** Marks a refresh token rotated; false when it was already rotated or revoked (a replay). */
export async function markRefreshTokenRotated(db: Db, id: string, now: number): Promise<boolean> {
  return (await markRotated(db, [now, id])).numAffectedRows === 1n
}
const markRotated = precompiled((db) =>
  db
    .updateTable('refresh_tokens')
    .set({ rotated_at: 0 })
    .where('id', '=', '')
    .where('rotated_at', 'is', null)
    .where('revoked_at', 'is', null),
)

/**
 * Issue 16: counts one grace answer for a rotated refresh token, in one conditional statement so two
 * requests cannot both take the last one. True only while the token is rotated but neither revoked
 * (its family included: revokeFamily marks every row) nor expired, was rotated after `rotatedAfter`
 * (the grace window is still open) and has had fewer than `limit` grace answers.
 */
export async function claimGraceReplay(
  db: Db,
  id: string,
  now: number,
  rotatedAfter: number,
  limit: number,
): Promise<boolean> {
  const r = await db
    .updateTable('refresh_tokens')
    .set((eb) => ({ grace_replays: eb('grace_replays', '+', 1) }))
    .where('id', '=', id)
    .where('rotated_at', '>', rotatedAfter)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .where('grace_replays', '<', limit)
    .executeTakeFirst()
  return r.numUpdatedRows === 1n
}

/** RFC 9700 §4.14.2: revokes every refresh and access token of a refresh family. */
export async function revokeFamily(db: Db, familyId: string, now: number): Promise<void> {
  await db
    .updateTable('refresh_tokens')
    .set({ revoked_at: now })
    .where('family_id', '=', familyId)
    .where('revoked_at', 'is', null)
    .execute()
  await revokeAccessTokensOfFamily(db, familyId, now)
}

export async function revokeAccessTokensOfFamily(db: Db, familyId: string, now: number): Promise<void> {
  await revokeFamilyAccess(db, [now, familyId])
}
const revokeFamilyAccess = precompiled((db) =>
  db.updateTable('access_tokens').set({ revoked_at: 0 }).where('family_id', '=', '').where('revoked_at', 'is', null),
)

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
  await db
    .updateTable('access_tokens')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute()
}

export async function revokeTokensOfGrant(db: Db, userId: string, applicationId: string, now: number): Promise<void> {
  await db
    .updateTable('refresh_tokens')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('application_id', '=', applicationId)
    .where('revoked_at', 'is', null)
    .execute()
  await db
    .updateTable('access_tokens')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('application_id', '=', applicationId)
    .where('revoked_at', 'is', null)
    .execute()
}

export async function revokeTokensOfUser(db: Db, userId: string, now: number): Promise<void> {
  await db
    .updateTable('refresh_tokens')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute()
  await db
    .updateTable('access_tokens')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute()
}
