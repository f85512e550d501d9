/**
 * @module
 * `latchkey backup --to FILE`: a consistent copy of the live SQLite database, safe while the server
 * runs. The copy is written beside FILE under a temporary name, checked with integrity_check, then
 * renamed, so FILE is either absent or a complete, sound database.
 */
import { existsSync, renameSync, rmSync, statSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { Conflict, Invalid, NotFound } from '../services/errors.ts'
import { backupInto, integrityProblems } from '../store/backup.ts'
import { openSqlite } from '../store/dialects/sqlite.ts'
import { storeTarget } from '../store/open.ts'
import { out, parse, requireFlag } from './args.ts'
import { CONFIG_HELP, CONFIG_OPTIONS, configFrom } from './common.ts'

export const BACKUP_HELP = `Usage: latchkey backup --to FILE [--db FILE] [--force] [--json]

Writes a consistent online backup of the SQLite database to FILE (SQLite's VACUUM INTO: one
snapshot, compacted, no -wal file needed), while \`latchkey serve\` keeps running. The copy is
checked with PRAGMA integrity_check before it takes FILE's name. Refuses to overwrite FILE
unless --force is given.

Restore: stop the server, move the old database and its -wal/-shm files away, copy the backup
to the --db path, start the server (see docs/operating.md).

${CONFIG_HELP}`

export async function backup(argv: string[]): Promise<number> {
  const { values } = parse(argv, { ...CONFIG_OPTIONS, to: { type: 'string' }, force: { type: 'boolean' }, json: { type: 'boolean' } })
  if (values.help) return void console.log(BACKUP_HELP), 0
  const target = requireFlag(values.to, 'to')
  const store = storeTarget(configFrom(values))
  // PostgreSQL has its own consistent online backup; copying the --db path would back up the wrong database.
  if (store.engine === 'postgres') throw new Invalid('backup copies the SQLite database; for PostgreSQL use pg_dump (see docs/operating.md)', 'database-url')
  const source = store.path
  if (!existsSync(source)) throw new NotFound(`no database at ${source}`)
  if (existsSync(target) && !values.force) throw new Conflict(`${target} already exists (use --force to replace it)`)
  const partial = join(dirname(target), `.${basename(target)}.partial-${process.pid}`)
  try {
    await snapshot(source, partial)
    const problems = await check(partial)
    if (problems.length) throw new Conflict(`the backup failed integrity_check: ${problems.slice(0, 5).join('; ')}`)
    renameSync(partial, target)
  } finally {
    rmSync(partial, { force: true })
  }
  const bytes = statSync(target).size
  out({ path: target, bytes, integrity: 'ok' }, !!values.json, () => `backup written to ${target} (${bytes} bytes, integrity ok)`)
  return 0
}

async function snapshot(source: string, to: string): Promise<void> {
  const { db } = openSqlite(source)
  try {
    await backupInto(db, to)
  } finally {
    await db.destroy()
  }
}

async function check(path: string): Promise<string[]> {
  const { db } = openSqlite(path)
  try {
    return await integrityProblems(db)
  } finally {
    await db.destroy()
  }
}
