import type { Db } from '../database.ts'

/** Sessions that are neither revoked nor expired; for the active-sessions gauge. */
export async function countActiveSessions(db: Db, now: number): Promise<number> {
  const row = await db
    .selectFrom('sessions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst()
  return Number(row?.n ?? 0)
}
