/**
 * @module
 * `latchkey backup --to FILE`: a consistent copy of the live SQLite database, safe while the server
 * runs. The copy is written beside FILE under a temporary name (created 0600), checked with
 * integrity_check, then renamed, so FILE is either absent or a complete, sound database.
 */
import { existsSync, renameSync, rmSync, statSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { Conflict, Invalid } from '../services/shared/errors.ts'
import { backupInto, integrityProblems } from '../store/backup.ts'
import { openSqlite } from '../store/dialects/sqlite.ts'
import { createPrivateFile } from '../store/files.ts'
import { storeTarget } from '../store/open.ts'
import { JSON_FLAG, requireFlag, UsageError } from './args.ts'
import { standalone } from './command.ts'
import { checkDatabase, configFrom, DATABASE_FLAGS, DATABASE_HELP, printNotices } from './common.ts'

export const backup = standalone('backup', {
  usage: '--to FILE [--db FILE] [--force] [--json]',
  summary: `Writes a consistent online backup of the SQLite database to FILE (SQLite's VACUUM INTO: one
snapshot, compacted, no -wal file needed), while \`latchkey serve\` keeps running. The copy is
checked with PRAGMA integrity_check before it takes FILE's name, and is readable by its owner
only (0600). Refuses to overwrite FILE unless --force is given.

Restore: stop the server, move the old database and its -wal/-shm files away, copy the backup
to the --db path, start the server (see docs/operating.md).`,
  flags: {
    to: { type: 'string', value: 'FILE', help: 'where the backup goes; its folder must exist' },
    force: { type: 'boolean', help: 'replace FILE if it exists' },
    ...JSON_FLAG,
  },
  settings: { flags: DATABASE_FLAGS, help: DATABASE_HELP },
  async run({ values, io }) {
    const target = resolve(io.cwd, requireFlag(values.to, 'to'))
    const config = configFrom(values, io)
    const store = storeTarget(config)
    // PostgreSQL has its own consistent online backup; copying the --db path would back up the wrong database.
    if (store.engine === 'postgres')
      throw new Invalid(
        'backup copies the SQLite database; for PostgreSQL use pg_dump (see docs/operating.md)',
        'database-url',
      )
    printNotices(io, await checkDatabase(config, 'existing'))
    checkTarget(target, !!values.force)
    const partial = join(dirname(target), `.${basename(target)}.partial-${process.pid}`)
    try {
      rmSync(partial, { force: true })
      createPrivateFile(partial)
      await snapshot(store.path, partial)
      const problems = await check(partial)
      if (problems.length) throw new Conflict(`the backup failed integrity_check: ${problems.slice(0, 5).join('; ')}`)
      renameSync(partial, target)
    } finally {
      rmSync(partial, { force: true })
    }
    const bytes = statSync(target).size
    io.stdout.write(
      (values.json
        ? JSON.stringify({ path: target, bytes, integrity: 'ok' }, null, 2)
        : `backup written to ${target} (${bytes} bytes, integrity ok)`) + '\n',
    )
    return 0
  },
})

/**
 * A file that --to, --force and the like may write: its folder exists, and it does not unless
 * replacing it was asked for.
 */
export function checkTarget(target: string, force: boolean, flag = '--to'): void {
  const folder = dirname(target)
  if (!existsSync(folder) || !statSync(folder).isDirectory())
    throw new UsageError(`${flag} ${target}: the folder ${folder} does not exist`)
  if (existsSync(target) && statSync(target).isDirectory())
    throw new UsageError(`${flag} ${target} is a folder; name a file`)
  if (existsSync(target) && !force) throw new Conflict(`${target} already exists (use --force to replace it)`)
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
