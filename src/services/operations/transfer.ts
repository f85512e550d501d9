/**
 * @module
 * Moving a deployment between engines (SQLite → PostgreSQL, or back): `latchkey export` writes
 * JSON lines, `latchkey import` reads them into an empty, migrated database. Everything that keeps
 * a token working travels as stored: users, applications (secret hashes, the groups they are
 * restricted to), scopes, groups and their members, grants, signing
 * keys still published, live sessions, live access tokens and every refresh family with a live
 * token (its rotated tokens too, so replay detection survives), and the audit log. Left behind:
 * what cannot be used any more, pending authorization and device codes (minutes-long; a flow in
 * progress during the move starts again), and rate-limit windows. Functions with their dependencies
 * named as parameters (like sessions/sessions.ts).
 */
import { LATEST_MIGRATION } from '../../store/health.ts'
import * as repo from '../../store/repositories/transfer.ts'
import type { AuditService } from '../shared/audit.ts'
import type { ServiceDeps } from '../shared/deps.ts'
import { Conflict, Invalid } from '../shared/errors.ts'

export const EXPORT_FORMAT = 'latchkey-export'
export const EXPORT_VERSION = 1
/** Rows per INSERT: well under both engines' limits on bound parameters. */
const BATCH = 200
/** Tables that must be empty before an import: it adds a deployment, it never merges two. */
const MUST_BE_EMPTY: repo.TransferTable[] = [
  'users',
  'applications',
  'resources',
  'groups',
  'grants',
  'sessions',
  'access_tokens',
  'refresh_tokens',
]

interface Header {
  format: string
  version: number
  migration: string
  exported_at: number
}

export type TransferCounts = Record<repo.TransferTable, number>

const emptyCounts = (): TransferCounts =>
  Object.fromEntries(Object.keys(repo.TRANSFER_TABLES).map((t) => [t, 0])) as TransferCounts

/** The export as lines of JSON: a header, then one `{"table", "row"}` per row, parents first. */
export async function* exportLines(
  { db, clock }: Pick<ServiceDeps, 'db' | 'clock'>,
  counts: TransferCounts = emptyCounts(),
): AsyncGenerator<string> {
  const now = clock.now()
  const header: Header = {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    migration: LATEST_MIGRATION,
    exported_at: now,
  }
  yield JSON.stringify(header)
  for (const table of Object.keys(repo.TRANSFER_TABLES) as repo.TransferTable[]) {
    counts[table] = 0
    for await (const row of repo.readLiveRows(db, table, now)) {
      counts[table]++
      yield JSON.stringify({ table, row })
    }
  }
}

/** Reads an export into this (migrated, empty) database in one transaction: all of it or nothing. */
export async function importLines(
  { db, audit }: Pick<ServiceDeps, 'db'> & { audit: Pick<AuditService, 'record'> },
  lines: AsyncIterable<string>,
): Promise<TransferCounts> {
  for (const table of MUST_BE_EMPTY)
    if ((await repo.countRows(db, table)) > 0)
      throw new Conflict(`the target database already has ${table}: import only into a new, empty database`)
  const columns = new Map<repo.TransferTable, Set<string>>()
  for (const table of Object.keys(repo.TRANSFER_TABLES) as repo.TransferTable[])
    columns.set(table, await repo.columnsOf(db, table))
  return db.transaction().execute(async (trx) => {
    const counts = emptyCounts()
    let pending: { table: repo.TransferTable; rows: repo.AnyRow[] } | undefined
    const flush = async () => {
      if (pending) await repo.insertRows(trx, pending.table, pending.rows)
      pending = undefined
    }
    let lineNo = 0
    for await (const line of lines) {
      if (line.trim() === '') continue
      lineNo++
      if (lineNo === 1) {
        checkHeader(parseLine(line, lineNo))
        // Keys a first start of the empty target created have signed nothing anyone holds.
        await repo.deleteAllSigningKeys(trx)
        continue
      }
      const { table, row } = parseRow(parseLine(line, lineNo), lineNo, columns)
      if (pending && (pending.table !== table || pending.rows.length >= BATCH)) await flush()
      pending ??= { table, rows: [] }
      pending.rows.push(row)
      counts[table]++
    }
    if (lineNo === 0) throw new Invalid('the export file is empty', 'from')
    await flush()
    await audit.record({ type: 'database.imported', detail: counts }, trx)
    return counts
  })
}

/** Export and import bound to their dependencies (`services.transfer`). */
export function createTransferService(deps: ServiceDeps, audit: AuditService) {
  const withAudit = { ...deps, audit }
  return {
    exportLines: (counts: TransferCounts = emptyCounts()) => exportLines(deps, counts),
    importLines: (lines: AsyncIterable<string>) => importLines(withAudit, lines),
  }
}
export type TransferService = ReturnType<typeof createTransferService>

function parseLine(line: string, lineNo: number): unknown {
  try {
    return JSON.parse(line)
  } catch {
    throw new Invalid(`line ${lineNo} of the export is not JSON`, 'from')
  }
}

function checkHeader(value: unknown): void {
  const h = value as Partial<Header> | null
  if (!h || h.format !== EXPORT_FORMAT)
    throw new Invalid('not a latchkey export (the first line is not its header)', 'from')
  if (h.version !== EXPORT_VERSION)
    throw new Invalid(
      `export format version ${h.version} is not supported (this build reads ${EXPORT_VERSION})`,
      'from',
    )
  if (h.migration !== LATEST_MIGRATION)
    throw new Invalid(
      `the export was made at schema ${h.migration}, this build is at ${LATEST_MIGRATION}: ` +
        'export and import with the same latchkey version',
      'from',
    )
}

function parseRow(
  value: unknown,
  lineNo: number,
  columns: Map<repo.TransferTable, Set<string>>,
): { table: repo.TransferTable; row: repo.AnyRow } {
  const { table, row } = (value ?? {}) as { table?: unknown; row?: unknown }
  const known = typeof table === 'string' ? columns.get(table as repo.TransferTable) : undefined
  if (!known) throw new Invalid(`line ${lineNo}: unknown table ${JSON.stringify(table)}`, 'from')
  if (!row || typeof row !== 'object' || Array.isArray(row))
    throw new Invalid(`line ${lineNo}: row is not an object`, 'from')
  for (const [column, v] of Object.entries(row)) {
    if (!known.has(column)) throw new Invalid(`line ${lineNo}: ${table} has no column ${column}`, 'from')
    if (v !== null && typeof v !== 'string' && typeof v !== 'number')
      throw new Invalid(`line ${lineNo}: ${table}.${column} is not a string, number or null`, 'from')
  }
  return { table: table as repo.TransferTable, row: row as repo.AnyRow }
}
