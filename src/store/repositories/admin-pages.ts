/**
 * @module
 * Keyset pages for the admin API. Every list is ordered by its UUIDv7 `id` (time-ordered), so a
 * cursor is an id and a page is one indexed range scan: `id > after` (or `< before`), `limit n`.
 */
import { sql, type Expression, type SelectQueryBuilder, type SqlBool } from 'kysely'
import type { TokenKind } from '../../crypto/token-values.ts'
import { accessKindOfRow, storedAccessKind, type Db, type Row, type StoredAccessKind } from '../database.ts'

/** What Pothos' resolveCursorConnection asks for; `limit` already includes the look-ahead row. */
export interface PageWindow {
  after?: string
  before?: string
  limit: number
  inverted: boolean
}

export interface ApplicationFilter {
  ownerId?: string
  search?: string
}
export interface UserFilter {
  onlyUserId?: string
  disabled?: boolean
  /** Issue 17: part of the username, e-mail address or name, in any case. */
  search?: string
}
export interface GrantFilter {
  userId?: string
  applicationId?: string
  ownedBy?: string
  active?: boolean
  scope?: string
}
export interface TokenFilter {
  userId?: string
  applicationId?: string
  ownedBy?: string
  active?: boolean
  scope?: string
  kind?: TokenKind
}
export interface AuditFilter {
  type?: string
  userId?: string
  applicationId?: string
  involving?: string
  /** Issue 17: events at or after / before these epoch seconds. */
  since?: number
  until?: number
}

/** A row of either token table, as one shape; `source` says which table it came from. */
export interface TokenListRow {
  id: string
  source: 'access' | 'refresh'
  /** As stored; `tokenKindOfRow` gives the `TokenKind`. */
  kind: StoredAccessKind
  hint: string
  application_id: string | null
  user_id: string | null
  scopes: string
  created_at: number
  expires_at: number | null
  last_used_at: number | null
  revoked_at: number | null
  rotated_at: number | null
}

export function tokenKindOfRow(row: TokenListRow): TokenKind {
  return row.source === 'refresh' ? 'refresh' : accessKindOfRow(row.kind)
}

/** `scopes` holds a space-separated list; match one whole name, with LIKE metacharacters escaped. */
function hasScope(column: string, scope: string): Expression<SqlBool> {
  const pattern = `% ${scope.replace(/[\\%_]/g, (c) => '\\' + c)} %`
  return sql<SqlBool>`(' ' || ${sql.ref(column)} || ' ') like ${pattern} escape '\\'`
}

/** Applies the keyset window to a query whose rows have an `id` column (also used by groups.ts). */
export function windowed<DB, TB extends keyof DB, O>(
  q: SelectQueryBuilder<DB, TB, O>,
  w: PageWindow,
  column: string,
  newestFirst: boolean,
): SelectQueryBuilder<DB, TB, O> {
  const desc = newestFirst !== w.inverted
  let out = q
  if (w.after !== undefined) out = out.where(sql.ref(column), newestFirst ? '<' : '>', w.after)
  if (w.before !== undefined) out = out.where(sql.ref(column), newestFirst ? '>' : '<', w.before)
  return out.orderBy(sql.ref(column), desc ? 'desc' : 'asc').limit(w.limit)
}

export function pageApplications(db: Db, w: PageWindow, f: ApplicationFilter): Promise<Row<'applications'>[]> {
  let q = db.selectFrom('applications').selectAll()
  if (f.ownerId !== undefined) q = q.where('owner_id', '=', f.ownerId)
  if (f.search) {
    const pattern = '%' + f.search.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c) + '%'
    q = q.where(sql<SqlBool>`lower(name) like ${pattern} escape '\\'`)
  }
  return windowed(q, w, 'id', false).execute()
}

export function pageUsers(db: Db, w: PageWindow, f: UserFilter): Promise<Row<'users'>[]> {
  let q = db.selectFrom('users').selectAll()
  if (f.onlyUserId !== undefined) q = q.where('id', '=', f.onlyUserId)
  if (f.disabled !== undefined) q = q.where('disabled_at', f.disabled ? 'is not' : 'is', null)
  if (f.search) {
    const pattern = '%' + f.search.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c) + '%'
    q = q.where(
      sql<SqlBool>`(lower(username) like ${pattern} escape '\\'
        or lower(coalesce(email, '')) like ${pattern} escape '\\'
        or lower(coalesce(name, '')) like ${pattern} escape '\\')`,
    )
  }
  return windowed(q, w, 'id', false).execute()
}

export function pageGrants(db: Db, w: PageWindow, f: GrantFilter): Promise<Row<'grants'>[]> {
  let q = db.selectFrom('grants').selectAll('grants')
  if (f.userId !== undefined) q = q.where('grants.user_id', '=', f.userId)
  if (f.applicationId !== undefined) q = q.where('grants.application_id', '=', f.applicationId)
  if (f.ownedBy !== undefined) {
    const owner = f.ownedBy
    q = q.where((eb) =>
      eb.or([
        eb('grants.user_id', '=', owner),
        eb('grants.application_id', 'in', eb.selectFrom('applications').select('id').where('owner_id', '=', owner)),
      ]),
    )
  }
  if (f.active !== undefined) q = q.where('grants.revoked_at', f.active ? 'is' : 'is not', null)
  if (f.scope) q = q.where(hasScope('grants.scopes', f.scope))
  return windowed(q, w, 'grants.id', true).execute()
}

function tokenUnion(db: Db) {
  const access = db
    .selectFrom('access_tokens')
    .select((eb) => [
      'id',
      sql<'access' | 'refresh'>`'access'`.as('source'),
      'kind',
      'hint',
      'application_id',
      'user_id',
      'scopes',
      'created_at',
      'expires_at',
      'last_used_at',
      'revoked_at',
      eb.cast<number | null>(eb.val(null), 'bigint').as('rotated_at'),
    ])
  const refresh = db
    .selectFrom('refresh_tokens')
    .select((eb) => [
      'id',
      sql<'access' | 'refresh'>`'refresh'`.as('source'),
      sql<StoredAccessKind>`'oauth'`.as('kind'),
      'hint',
      eb.cast<string | null>('application_id', 'text').as('application_id'),
      'user_id',
      'scopes',
      'created_at',
      eb.cast<number | null>('expires_at', 'bigint').as('expires_at'),
      eb.cast<number | null>(eb.val(null), 'bigint').as('last_used_at'),
      'revoked_at',
      'rotated_at',
    ])
  return db.selectFrom(access.unionAll(refresh).as('t'))
}

export async function pageTokens(db: Db, w: PageWindow, f: TokenFilter, now: number): Promise<TokenListRow[]> {
  let q = tokenUnion(db).selectAll()
  if (f.userId !== undefined) q = q.where('t.user_id', '=', f.userId)
  if (f.applicationId !== undefined) q = q.where('t.application_id', '=', f.applicationId)
  if (f.ownedBy !== undefined) {
    const owner = f.ownedBy
    q = q.where((eb) =>
      eb.or([
        eb('t.user_id', '=', owner),
        eb('t.application_id', 'in', eb.selectFrom('applications').select('id').where('owner_id', '=', owner)),
      ]),
    )
  }
  if (f.kind === 'refresh') q = q.where('t.source', '=', 'refresh')
  if (f.kind === 'access') q = q.where('t.source', '=', 'access').where('t.kind', '=', storedAccessKind('access'))
  if (f.kind === 'personal') q = q.where('t.kind', '=', storedAccessKind('personal'))
  if (f.active !== undefined) {
    const unexpired = sql<SqlBool>`(t.expires_at is null or t.expires_at > ${now})`
    const live = sql<SqlBool>`(t.revoked_at is null and t.rotated_at is null and ${unexpired})`
    q = q.where(f.active ? live : sql<SqlBool>`not ${live}`)
  }
  if (f.scope) q = q.where(hasScope('t.scopes', f.scope))
  return (await windowed(q, w, 't.id', true).execute()) as TokenListRow[]
}

export function findTokenRows(db: Db, ids: readonly string[]): Promise<TokenListRow[]> {
  if (!ids.length) return Promise.resolve([])
  return tokenUnion(db)
    .selectAll()
    .where('t.id', 'in', [...ids])
    .execute() as Promise<TokenListRow[]>
}

export function pageAuditEvents(db: Db, w: PageWindow, f: AuditFilter): Promise<Row<'audit_events'>[]> {
  let q = db.selectFrom('audit_events').selectAll()
  if (f.type !== undefined) q = q.where('type', '=', f.type)
  if (f.userId !== undefined) q = q.where('user_id', '=', f.userId)
  if (f.applicationId !== undefined) q = q.where('application_id', '=', f.applicationId)
  if (f.since !== undefined) q = q.where('created_at', '>=', f.since)
  if (f.until !== undefined) q = q.where('created_at', '<', f.until)
  if (f.involving !== undefined) {
    const who = f.involving
    q = q.where((eb) => eb.or([eb('user_id', '=', who), eb('actor_user_id', '=', who)]))
  }
  return windowed(q, w, 'id', true).execute()
}

export function listAllSigningKeys(db: Db): Promise<Row<'signing_keys'>[]> {
  return db.selectFrom('signing_keys').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').execute()
}
