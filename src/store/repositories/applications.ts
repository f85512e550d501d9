import type { Db, NewRow, Row, RowPatch } from '../database.ts'

export type ApplicationRow = Row<'applications'>

export function insertApplication(db: Db, row: NewRow<'applications'>): Promise<unknown> {
  return db.insertInto('applications').values(row).execute()
}
export function findApplicationByClientId(db: Db, clientId: string): Promise<ApplicationRow | undefined> {
  return db.selectFrom('applications').selectAll().where('client_id', '=', clientId).executeTakeFirst()
}
export function findApplicationById(db: Db, id: string): Promise<ApplicationRow | undefined> {
  return db.selectFrom('applications').selectAll().where('id', '=', id).executeTakeFirst()
}
export function listApplications(db: Db): Promise<ApplicationRow[]> {
  return db.selectFrom('applications').selectAll().orderBy('id').execute()
}
export async function updateApplication(db: Db, id: string, patch: RowPatch<'applications'>): Promise<boolean> {
  const r = await db.updateTable('applications').set(patch).where('id', '=', id).executeTakeFirst()
  return r.numUpdatedRows > 0n
}
export async function deleteApplication(db: Db, id: string): Promise<boolean> {
  const r = await db.deleteFrom('applications').where('id', '=', id).executeTakeFirst()
  return r.numDeletedRows > 0n
}

/**
 * True when the insert was refused for a client_id already taken (issue 16: chosen client ids): the
 * unique index's error as SQLite words it, or PostgreSQL's unique_violation (23505) on that column's
 * constraint. Read from the error itself, since on PostgreSQL the failed transaction can run nothing more.
 */
export function isClientIdTaken(e: unknown): boolean {
  const err = e as { code?: unknown; constraint?: unknown; message?: unknown } | null
  if (err?.code === '23505') return typeof err.constraint !== 'string' || err.constraint.includes('client_id')
  return typeof err?.message === 'string' && err.message.includes('UNIQUE constraint failed: applications.client_id')
}

/** Sets when an application first obtained tokens; later grants leave it as it is. */
export async function markGrantCompleted(db: Db, id: string, now: number): Promise<void> {
  await db
    .updateTable('applications')
    .set({ grant_completed_at: now })
    .where('id', '=', id)
    .where('grant_completed_at', 'is', null)
    .execute()
}

/**
 * Clients that brought themselves (RFC 7591 registrations and metadata-document rows, which are fetched
 * again when next used) made at or before `cutoff` that never obtained a token: at most
 * `limit` of them, oldest first, for the purge to delete one by one with an audit event each.
 */
/** Issue 18: applications no administrator made, which the purge removes when unused. */
const SELF_MADE = ['dynamic', 'metadata_document'] as const

export function unusedSelfRegistered(db: Db, cutoff: number, limit: number): Promise<ApplicationRow[]> {
  return db
    .selectFrom('applications')
    .selectAll()
    .where('registration', 'in', SELF_MADE)
    .where('created_at', '<=', cutoff)
    .where('grant_completed_at', 'is', null)
    .orderBy('created_at')
    .limit(limit)
    .execute()
}

/** Deletes the application only if it is still self-registered and unused (a grant may have completed meanwhile). */
export async function deleteUnusedSelfRegistered(db: Db, id: string): Promise<boolean> {
  const r = await db
    .deleteFrom('applications')
    .where('id', '=', id)
    .where('registration', 'in', SELF_MADE)
    .where('grant_completed_at', 'is', null)
    .executeTakeFirst()
  return r.numDeletedRows > 0n
}
