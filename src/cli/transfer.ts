/**
 * @module
 * `latchkey export --to FILE` and `latchkey import --from FILE`: moving a deployment from SQLite to
 * PostgreSQL (or back) without invalidating any token. The policy is in services/transfer.ts.
 */
import { existsSync, renameSync, rmSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { Conflict, NotFound } from '../services/errors.ts'
import type { TransferCounts } from '../services/transfer.ts'
import { out, parse, requireFlag } from './args.ts'
import { CONFIG_HELP, CONFIG_OPTIONS, withProvider } from './common.ts'

export const EXPORT_HELP = `Usage: latchkey export --to FILE [--db FILE | --database-url URL] [--force] [--json]

Writes the database's users, applications, scopes, grants, published signing keys, live sessions,
live access tokens and refresh families, and the audit log to FILE as JSON lines. Secrets travel
as they are stored (SHA-256 hashes, never the tokens themselves), so FILE is as sensitive as the
database: keep it private and delete it after the import. Stop the servers first, or tokens issued
after the export started will not be in FILE.

Moving from SQLite to PostgreSQL:
  latchkey export --db ./latchkey.db --to latchkey.jsonl
  latchkey import --database-url postgres://latchkey@db.internal/latchkey --from latchkey.jsonl

${CONFIG_HELP}`

export const IMPORT_HELP = `Usage: latchkey import --from FILE [--db FILE | --database-url URL] [--json]

Reads a file written by \`latchkey export\` into the database named by --database-url (or --db),
which is migrated first and must hold no users, applications, grants or tokens yet. All of it is
imported in one transaction, or nothing is. Every token issued before the export keeps working.

${CONFIG_HELP}`

export async function exportCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, { ...CONFIG_OPTIONS, to: { type: 'string' }, force: { type: 'boolean' }, json: { type: 'boolean' } })
  if (values.help) return void console.log(EXPORT_HELP), 0
  const target = requireFlag(values.to, 'to')
  if (existsSync(target) && !values.force) throw new Conflict(`${target} already exists (use --force to replace it)`)
  const partial = join(dirname(target), `.${basename(target)}.partial-${process.pid}`)
  const counts = {} as TransferCounts
  try {
    await withProvider(values, async (p) => {
      const writer = Bun.file(partial).writer()
      for await (const line of p.services.transfer.exportLines(counts)) writer.write(line + '\n')
      await writer.end()
    })
    renameSync(partial, target)
  } finally {
    rmSync(partial, { force: true })
  }
  out({ path: target, rows: counts }, !!values.json, () => `exported to ${target}: ${describe(counts)}`)
  return 0
}

export async function importCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, { ...CONFIG_OPTIONS, from: { type: 'string' }, json: { type: 'boolean' } })
  if (values.help) return void console.log(IMPORT_HELP), 0
  const source = requireFlag(values.from, 'from')
  if (!existsSync(source)) throw new NotFound(`no such file: ${source}`, 'from')
  const counts = await withProvider(values, (p) => p.services.transfer.importLines(readLines(source)))
  out({ rows: counts }, !!values.json, () => `imported: ${describe(counts)}`)
  return 0
}

function describe(counts: TransferCounts): string {
  return Object.entries(counts).map(([table, n]) => `${n} ${table}`).join(', ')
}

/** The file's lines, read as a stream so a large export never has to fit in memory at once. */
async function* readLines(path: string): AsyncGenerator<string> {
  const decoder = new TextDecoder()
  let rest = ''
  for await (const chunk of Bun.file(path).stream()) {
    const lines = (rest + decoder.decode(chunk, { stream: true })).split('\n')
    rest = lines.pop()!
    yield* lines
  }
  rest += decoder.decode()
  if (rest) yield rest
}
