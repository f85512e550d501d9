/** @module Issue 17: per-day event counters (daily_activity) and the overview's counts. */
import { sql } from 'kysely'
import type { Db } from '../database.ts'

/** Adds one to the counter of (day, event, shard), creating it at 1. */
export async function bumpActivity(db: Db, day: number, event: string, shard: number): Promise<void> {
  await db
    .insertInto('daily_activity')
    .values({ day, event, shard, count: 1 })
    .onConflict((oc) => oc.columns(['day', 'event', 'shard']).doUpdateSet({ count: sql`daily_activity.count + 1` }))
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
