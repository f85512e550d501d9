/**
 * @module
 * `latchkey export --to FILE` and `latchkey import --from FILE`: moving a deployment from SQLite to
 * PostgreSQL (or back) without invalidating any token. The policy is in services/operations/transfer.ts.
 */
import { existsSync, renameSync, rmSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { NotFound } from '../services/shared/errors.ts'
import type { TransferCounts } from '../services/operations/transfer.ts'
import { createPrivateFile } from '../store/files.ts'
import { JSON_FLAG, requireFlag } from './args.ts'
import { checkTarget } from './backup.ts'
import { standalone } from './command.ts'
import { configFrom, DATABASE_FLAGS, DATABASE_HELP, withProvider } from './common.ts'

const SETTINGS = { flags: DATABASE_FLAGS, help: DATABASE_HELP }

export const exportCommand = standalone('export', {
  usage: '--to FILE [--db FILE | --database-url URL] [--force] [--json]',
  summary: `Writes the database's users, applications, scopes, resources, grants, published signing keys, live
sessions, live access tokens and refresh families, and the audit log to FILE as JSON lines. Secrets travel
as they are stored (SHA-256 hashes, never the tokens themselves), so FILE is as sensitive as the
database: it is created readable by its owner only (0600); delete it after the import. Stop the
servers first, or tokens issued after the export started will not be in FILE.

Moving from SQLite to PostgreSQL:
  latchkey export --db ./latchkey.db --to latchkey.jsonl
  latchkey import --database-url postgres://latchkey@db.internal/latchkey --from latchkey.jsonl`,
  flags: {
    to: { type: 'string', value: 'FILE', help: 'where the export goes; its folder must exist' },
    force: { type: 'boolean', help: 'replace FILE if it exists' },
    ...JSON_FLAG,
  },
  settings: SETTINGS,
  async run({ values, io }) {
    const target = resolve(io.cwd, requireFlag(values.to, 'to'))
    const config = configFrom(values, io)
    checkTarget(target, !!values.force)
    const partial = join(dirname(target), `.${basename(target)}.partial-${process.pid}`)
    const counts = {} as TransferCounts
    try {
      await withProvider(config, io, 'existing', async (p) => {
        rmSync(partial, { force: true })
        createPrivateFile(partial)
        const writer = Bun.file(partial).writer()
        for await (const line of p.services.transfer.exportLines(counts)) writer.write(line + '\n')
        await writer.end()
      })
      renameSync(partial, target)
    } finally {
      rmSync(partial, { force: true })
    }
    io.stdout.write(
      (values.json
        ? JSON.stringify({ path: target, rows: counts }, null, 2)
        : `exported to ${target}: ${describe(counts)}`) + '\n',
    )
    return 0
  },
})

export const importCommand = standalone('import', {
  usage: '--from FILE [--db FILE | --database-url URL] [--json]',
  summary: `Reads a file written by \`latchkey export\` into the database named by --database-url (or --db),
which is migrated first (and created, for SQLite) and must hold no users, applications, grants or
tokens yet. All of it is imported in one transaction, or nothing is. Every token issued before the
export keeps working.`,
  flags: { from: { type: 'string', value: 'FILE', help: 'a file written by latchkey export' }, ...JSON_FLAG },
  settings: SETTINGS,
  async run({ values, io }) {
    const source = resolve(io.cwd, requireFlag(values.from, 'from'))
    if (!existsSync(source)) throw new NotFound(`--from: no such file: ${source}`, 'from')
    const config = configFrom(values, io)
    const counts = await withProvider(config, io, 'create', (p) => p.services.transfer.importLines(readLines(source)))
    io.stdout.write((values.json ? JSON.stringify({ rows: counts }, null, 2) : `imported: ${describe(counts)}`) + '\n')
    return 0
  },
})

function describe(counts: TransferCounts): string {
  return Object.entries(counts)
    .map(([table, n]) => `${n} ${table}`)
    .join(', ')
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
