/**
 * @module
 * The SQL of `latchkey export` / `latchkey import`: table by table, in keyset pages, rows exactly
 * as stored (hashes, JWKs, epoch seconds), so the same rows can be written into the other engine.
 * Which rows travel is decided in services/operations/transfer.ts; this file only knows how to read and write.
 */
import { type Selectable, sql, type SelectQueryBuilder } from 'kysely'
import type { Database, Db } from '../database.ts'

/**
 * Every table that can travel, parents before children (foreign keys), with its key: one column, or
 * the columns of a composite primary key (memberships, an application's groups), paged as a row value.
 */
export const TRANSFER_TABLES = {
  users: 'id',
  counters: 'name',
  applications: 'id',
  scopes: 'name',
  groups: 'id',
  group_members: ['group_id', 'user_id'],
  application_groups: ['application_id', 'group_id'],
  grants: 'id',
  signing_keys: 'id',
  sessions: 'id',
  access_tokens: 'id',
  refresh_tokens: 'id',
  audit_events: 'id',
} as const satisfies Partial<Record<keyof Database, string | readonly string[]>>

export type TransferTable = keyof typeof TRANSFER_TABLES
export type AnyRow = Record<string, string | number | null>

/** What to leave behind: rows that can no longer be used at `now`. */
function live<T extends TransferTable>(db: Db, table: T, now: number): SelectQueryBuilder<Database, any, AnyRow> {
  const q = db.selectFrom(table as TransferTable).selectAll() as unknown as SelectQueryBuilder<Database, any, AnyRow>
  switch (table) {
    case 'access_tokens':
      return q
        .where('revoked_at', 'is', null)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    case 'refresh_tokens':
      // Whole families that still have a usable token: their rotated tokens must come along, so
      // presenting one after the move still revokes the family (RFC 9700 §4.14.2).
      return q.where(
        'family_id',
        'in',
        db
          .selectFrom('refresh_tokens')
          .select('family_id')
          .where('revoked_at', 'is', null)
          .where('rotated_at', 'is', null)
          .where('expires_at', '>', now),
      )
    case 'sessions':
      return q.where('revoked_at', 'is', null).where('expires_at', '>', now)
    case 'signing_keys':
      return q.where((eb) => eb.or([eb('status', '=', 'active'), eb('publish_until', '>', now)]))
    default:
      return q
  }
}

/** The rows of `table` worth moving, a page at a time, in key order. */
export async function* readLiveRows(
  db: Db,
  table: TransferTable,
  now: number,
  pageSize = 1000,
): AsyncGenerator<AnyRow> {
  const key: readonly string[] = [TRANSFER_TABLES[table]].flat()
  let after: string[] | undefined
  for (;;) {
    let q = live(db, table, now)
    // (a, b) > (x, y): row-value comparison, which SQLite (3.15+) and PostgreSQL both understand.
    if (after !== undefined) q = q.where(sql<boolean>`(${sql.join(key.map((k) => sql.ref(k)))}) > (${sql.join(after)})`)
    for (const k of key) q = q.orderBy(sql.ref(k))
    const rows = await q.limit(pageSize).execute()
    yield* rows
    if (rows.length < pageSize) return
    after = key.map((k) => String(rows.at(-1)![k]))
  }
}

/** Rows already in a table, for the "import only into an empty database" rule. */
export async function countRows(db: Db, table: TransferTable): Promise<number> {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst()
  return Number(row?.n ?? 0)
}

/**
 * Inserts rows as they are; scopes replace the built-ins of the same name that migrations seeded, and
 * counters the zero the empty target started from, so users imported with their numbers are followed
 * by the next number of the source, never a number a deleted user had there.
 */
export async function insertRows(db: Db, table: TransferTable, rows: AnyRow[]): Promise<void> {
  if (!rows.length) return
  if (table === 'counters') {
    await db
      .insertInto('counters')
      .values(rows as unknown as Array<Database['counters']>)
      .onConflict((oc) => oc.column('name').doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })))
      .execute()
    return
  }
  if (table === 'scopes') {
    const scopes = rows as unknown as Array<Selectable<Database['scopes']>>
    await db
      .insertInto('scopes')
      .values(scopes)
      .onConflict((oc) =>
        oc.column('name').doUpdateSet((eb) => ({
          description: eb.ref('excluded.description'),
          implies: eb.ref('excluded.implies'),
          is_default: eb.ref('excluded.is_default'),
          self_registration: eb.ref('excluded.self_registration'),
          created_at: eb.ref('excluded.created_at'),
        })),
      )
      .execute()
    return
  }
  await db
    .insertInto(table)
    .values(rows as never)
    .execute()
}

/** Signing keys made by a start of the empty target; they have signed nothing anyone holds. */
export async function deleteAllSigningKeys(db: Db): Promise<void> {
  await db.deleteFrom('signing_keys').execute()
}

/** The columns a table has, so an import file cannot name others. */
export async function columnsOf(db: Db, table: TransferTable): Promise<Set<string>> {
  const tables = await db.introspection.getTables()
  return new Set(tables.find((t) => t.name === table)?.columns.map((c) => c.name) ?? [])
}
