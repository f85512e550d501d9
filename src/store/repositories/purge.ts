/**
 * @module
 * Batched deletes of rows that can no longer be used. `deleteDeadRows` deletes at most `limit` rows
 * of one kind in one short statement (`… where key in (select key … limit n)`, valid on SQLite and
 * PostgreSQL) and returns how many it deleted, so the caller can loop, yielding between batches. The
 * policy (which rows, which cutoff, how often) lives in services/operations/purge.ts.
 */
import type { Database, Db } from '../database.ts'

type Purgeable =
  | 'access_tokens'
  | 'refresh_tokens'
  | 'authorization_codes'
  | 'device_codes'
  | 'sessions'
  | 'audit_events'
  | 'rate_limits'
  | 'live_token_counts'
  | 'one_time_links'
type Column<T extends Purgeable> = keyof Database[T] & string

/** Rows of `table` whose `column` is before (`<`) or at or before (`<=`) a cutoff, deleted by `key`. */
interface DeadRowsOf<T extends Purgeable> {
  table: T
  key: Column<T>
  column: Column<T>
  op: '<' | '<='
  /**
   * Refresh tokens go by whole family, and only once none of the family's tokens is still usable at
   * the cutoff: a family with one live token keeps its rotated ones, since presenting a rotated token
   * must still revoke the family (RFC 9700 §4.14.2). `column` then picks the index that finds them.
   */
  wholeRefreshFamilies?: true
}
export type DeadRows = { [T in Purgeable]: DeadRowsOf<T> }[Purgeable]

/** Deletes up to `limit` rows that `rows` describes as dead at `cutoff`; resolves to how many. */
export async function deleteDeadRows(db: Db, rows: DeadRows, cutoff: number, limit: number): Promise<number> {
  const dead = rows.wholeRefreshFamilies
    ? deadRefreshFamilies(db, rows.column as 'expires_at' | 'revoked_at', cutoff, limit)
    : db
        .selectFrom(rows.table)
        .select(db.dynamic.ref<string>(rows.key))
        .where(db.dynamic.ref(rows.column), rows.op, cutoff)
        .limit(limit)
  const result = await db
    .deleteFrom(rows.table)
    .where(db.dynamic.ref(rows.key), 'in', dead as never)
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}

function deadRefreshFamilies(db: Db, by: 'expires_at' | 'revoked_at', cutoff: number, limit: number) {
  return db
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
}
