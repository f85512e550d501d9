import type { Db, Row } from '../database.ts'

export type ScopeRow = Row<'scopes'>

export function listScopes(db: Db): Promise<ScopeRow[]> {
  return db.selectFrom('scopes').selectAll().orderBy('name').execute()
}
