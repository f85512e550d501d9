/** @module Issue 17: per-day event counters (daily_activity) and the overview's counts. */
import { sql } from 'kysely'
import type { Db } from '../database.ts'

/**
 * Adds each count to its (day, event) counter, creating it, in one statement (so all or none). Written
 * to shard 0: counts arrive batched, one write per flush interval and instance, so they no longer need
 * spreading over rows; rows of other shards (written before) are still summed by activitySince.
 */
export async function addActivity(
  db: Db,
  counts: ReadonlyArray<{ day: number; event: string; count: number }>,
): Promise<void> {
  if (counts.length === 0) return
  await db
    .insertInto('daily_activity')
    .values(counts.map(({ day, event, count }) => ({ day, event, shard: 0, count })))
    .onConflict((oc) =>
      oc.columns(['day', 'event', 'shard']).doUpdateSet({ count: sql`daily_activity.count + excluded.count` }),
    )
    .execute()
}

/** The counts of every event on each day from `fromDay` on, summed over shards. */
export async function activitySince(
  db: Db,
  fromDay: number,
): Promise<Array<{ day: number; event: string; count: number }>> {
  const rows = await db
    .selectFrom('daily_activity')
    .select(['day', 'event', sql<string>`sum(count)`.as('total')])
    .where('day', '>=', fromDay)
    .groupBy(['day', 'event'])
    .execute()
  return rows.map((r) => ({ day: Number(r.day), event: r.event, count: Number(r.total) }))
}

export interface StoreCounts {
  applications: number
  users: number
  groups: number
  activeTokens: number
}

/** How many applications, users and groups exist, and access and personal tokens that still work at `now`. */
export async function storeCounts(db: Db, now: number): Promise<StoreCounts> {
  const count = sql<string>`count(*)`.as('n')
  const [applications, users, groups, tokens] = await Promise.all([
    db.selectFrom('applications').select(count).executeTakeFirstOrThrow(),
    db.selectFrom('users').select(count).executeTakeFirstOrThrow(),
    db.selectFrom('groups').select(count).executeTakeFirstOrThrow(),
    db
      .selectFrom('access_tokens')
      .select(count)
      .where('revoked_at', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .executeTakeFirstOrThrow(),
  ])
  return {
    applications: Number(applications.n),
    users: Number(users.n),
    groups: Number(groups.n),
    activeTokens: Number(tokens.n),
  }
}
