import type { Db } from '../database.ts'

/**
 * Adds one hit to a fixed-window counter, starting a new window when the old one is over, in one
 * statement (so concurrent requests and instances sharing the database count correctly).
 */
export async function hitCounter(
  db: Db,
  key: string,
  now: number,
  windowSeconds: number,
): Promise<{ count: number; windowStart: number }> {
  const row = await db
    .insertInto('rate_limits')
    .values({ key, window_start: now, count: 1 })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet((eb) => ({
        count: eb
          .case()
          .when('rate_limits.window_start', '<=', now - windowSeconds)
          .then(1)
          .else(eb('rate_limits.count', '+', 1))
          .end(),
        window_start: eb
          .case()
          .when('rate_limits.window_start', '<=', now - windowSeconds)
          .then(now)
          .else(eb.ref('rate_limits.window_start'))
          .end(),
      })),
    )
    .returning(['count', 'window_start'])
    .executeTakeFirstOrThrow()
  return { count: Number(row.count), windowStart: Number(row.window_start) }
}

export function readCounter(db: Db, key: string): Promise<{ count: number; window_start: number } | undefined> {
  return db.selectFrom('rate_limits').select(['count', 'window_start']).where('key', '=', key).executeTakeFirst()
}

export async function clearCounter(db: Db, key: string): Promise<void> {
  await db.deleteFrom('rate_limits').where('key', '=', key).execute()
}
