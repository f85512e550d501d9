/**
 * @module
 * Batched deletes of rows that can no longer be used. Each function deletes at most `limit` rows in
 * one short statement (`… where id in (select id … limit n)`, valid on SQLite and PostgreSQL) and
 * returns how many it deleted, so the caller can loop, yielding between batches. The policy (which
 * cutoff, how often) lives in services/purge.ts.
 */
import type { Db } from '../database.ts'

type Deleted = Promise<number>

async function count(result: Promise<{ numDeletedRows: bigint }>): Deleted {
  return Number((await result).numDeletedRows)
}

export function deleteExpiredAccessTokens(db: Db, cutoff: number, limit: number): Deleted {
  const ids = db.selectFrom('access_tokens').select('id').where('expires_at', '<=', cutoff).limit(limit)
  return count(db.deleteFrom('access_tokens').where('id', 'in', ids).executeTakeFirst())
}

export function deleteRevokedAccessTokens(db: Db, cutoff: number, limit: number): Deleted {
  const ids = db.selectFrom('access_tokens').select('id').where('revoked_at', '<=', cutoff).limit(limit)
  return count(db.deleteFrom('access_tokens').where('id', 'in', ids).executeTakeFirst())
}

/**
 * Deletes whole refresh families none of whose tokens is still usable at `cutoff` (each expired or
 * revoked by then). A family with one live token keeps its rotated ones: presenting a rotated token
 * must still revoke the family (RFC 9700 §4.14.2). `by` picks the index that finds candidates.
 */
export function deleteDeadRefreshFamilies(db: Db, cutoff: number, limit: number, by: 'expires_at' | 'revoked_at'): Deleted {
  const families = db
    .selectFrom('refresh_tokens as r')
    .select('r.family_id')
    .distinct()
    .where(`r.${by}`, '<=', cutoff)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('refresh_tokens as l')
            .select('l.id')
            .whereRef('l.family_id', '=', 'r.family_id')
            .where('l.expires_at', '>', cutoff)
            .where((eb) => eb.or([eb('l.revoked_at', 'is', null), eb('l.revoked_at', '>', cutoff)])),
        ),
      ),
    )
    .limit(limit)
  return count(db.deleteFrom('refresh_tokens').where('family_id', 'in', families).executeTakeFirst())
}

export function deleteExpiredAuthorizationCodes(db: Db, cutoff: number, limit: number): Deleted {
  const ids = db.selectFrom('authorization_codes').select('id').where('expires_at', '<=', cutoff).limit(limit)
  return count(db.deleteFrom('authorization_codes').where('id', 'in', ids).executeTakeFirst())
}

export function deleteExpiredDeviceCodes(db: Db, cutoff: number, limit: number): Deleted {
  const ids = db.selectFrom('device_codes').select('id').where('expires_at', '<=', cutoff).limit(limit)
  return count(db.deleteFrom('device_codes').where('id', 'in', ids).executeTakeFirst())
}

export function deleteDeadSessions(db: Db, cutoff: number, limit: number, by: 'expires_at' | 'revoked_at'): Deleted {
  const ids = db.selectFrom('sessions').select('id').where(by, '<=', cutoff).limit(limit)
  return count(db.deleteFrom('sessions').where('id', 'in', ids).executeTakeFirst())
}

export function deleteAuditEventsBefore(db: Db, cutoff: number, limit: number): Deleted {
  const ids = db.selectFrom('audit_events').select('id').where('created_at', '<', cutoff).limit(limit)
  return count(db.deleteFrom('audit_events').where('id', 'in', ids).executeTakeFirst())
}

/** Failure counters whose window ended before `cutoff` count for nothing any more. */
export function deleteStaleRateLimits(db: Db, cutoff: number, limit: number): Deleted {
  const keys = db.selectFrom('rate_limits').select('key').where('window_start', '<=', cutoff).limit(limit)
  return count(db.deleteFrom('rate_limits').where('key', 'in', keys).executeTakeFirst())
}

/** Live-token counter buckets of hours that have passed: every token they counted has expired. */
export function deletePastTokenCountBuckets(db: Db, beforeHour: number): Deleted {
  return count(db.deleteFrom('live_token_counts').where('expires_hour', '<', beforeHour).executeTakeFirst())
}
