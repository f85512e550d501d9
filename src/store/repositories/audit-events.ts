import type { Db, NewRow } from '../database.ts'

export function insertAuditEvent(db: Db, row: NewRow<'audit_events'>): Promise<unknown> {
  return db.insertInto('audit_events').values(row).execute()
}
