/**
 * Issue 14 §2: the CLI never writes where the operator did not mean to, on either engine. A PostgreSQL
 * database without Latchkey's schema is refused by commands that only read or change rows (and
 * nothing is created in it); a locked database is said to be busy; a file or folder this user may
 * not use is said so, not reported missing. Everything runs in-process (../helpers/cli.ts).
 */
import { Database } from 'bun:sqlite'
import { afterAll, describe, expect, test } from 'bun:test'
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { checkSqliteFile, type FileAccess } from '../../src/cli/common.ts'
import { cli } from '../helpers/cli.ts'
import { buildBinary } from '../helpers/binary.ts'
import { createTestDatabase, TEST_DATABASE_URL } from '../helpers/database.ts'

const root = mkdtempSync(join(tmpdir(), 'latchkey-access-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

async function tableCount(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const { rows } = await client.query(
      "select count(*)::int as n from information_schema.tables where table_schema = 'public'",
    )
    return rows[0].n
  } finally {
    await client.end()
  }
}

describe.skipIf(!TEST_DATABASE_URL)('issue 14 §2: a PostgreSQL database without the Latchkey schema', () => {
  test('user list refuses, naming the database (password masked) and the setting, and creates nothing', async () => {
    await using database = await createTestDatabase()
    const url = new URL(database.url)
    url.password = 'hunter2secret'
    const r = await cli(['user', 'list', '--database-url', url.toString()])
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('no Latchkey schema in the database at postgres://')
    expect(r.stderr).toContain(`/${database.name}`)
    expect(r.stderr).toContain('***')
    expect(r.stderr).not.toContain('hunter2secret')
    expect(r.stderr).toContain('--database-url / LATCHKEY_DATABASE_URL')
    expect(await tableCount(database.url)).toBe(0)
  })

  test('LATCHKEY_DATABASE_URL is refused the same way for app list', async () => {
    await using database = await createTestDatabase()
    const r = await cli(['app', 'list'], { env: { LATCHKEY_DATABASE_URL: database.url } })
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('no Latchkey schema')
    expect(await tableCount(database.url)).toBe(0)
  })

  test('a command that may create says "creating the Latchkey schema in …" on stderr, once', async () => {
    await using database = await createTestDatabase()
    const created = await cli([
      'scope',
      'create',
      '--name',
      'read_things',
      '--description',
      'Read things',
      '--database-url',
      database.url,
    ])
    expect(created.code).toBe(0)
    expect(created.stderr).toContain(`creating the Latchkey schema in ${database.url}`)
    const listed = await cli(['user', 'list', '--database-url', database.url])
    expect(listed.code).toBe(0)
    expect(listed.stderr).toBe('')
  })
})

describe('issue 14 §2: a locked database is busy, not an unexpected error', () => {
  test('app create while another process holds the write lock names the database and says to try again', async () => {
    const db = join(root, 'locked.db')
    expect((await cli(['migrate', '--db', db])).code).toBe(0)
    const holder = new Database(db)
    holder.exec('BEGIN EXCLUSIVE')
    try {
      const r = await cli(['app', 'create', '--name', 'Locked', '--redirect-uri', 'https://a.example/cb', '--db', db])
      expect(r.code).toBe(1)
      expect(r.stderr).not.toContain('unexpected error')
      expect(r.stderr).toContain(`the database at ${db} is busy or unavailable`)
      expect(r.stderr).toContain('try again')
    } finally {
      holder.exec('ROLLBACK')
      holder.close()
    }
  })
})

/** A file system where `denied` paths fail as node:fs does for another user's 0700 folder or 0600 file. */
function files(entries: Record<string, 'file' | 'folder'>, denied: { stat?: string[]; access?: string[] }): FileAccess {
  const fail = (code: string, path: string) => Object.assign(new Error(`${code}: ${path}`), { code })
  return {
    stat(path) {
      if (denied.stat?.includes(path)) throw fail('EACCES', path)
      const kind = entries[path]
      if (!kind) throw fail('ENOENT', path)
      return { isDirectory: () => kind === 'folder', mode: kind === 'folder' ? 0o700 : 0o600 }
    },
    access(path) {
      if (denied.access?.includes(path)) throw fail('EACCES', path)
    },
  }
}

describe('issue 14 §2: a database this user may not use is said so, not reported missing', () => {
  const setting = '--db / LATCHKEY_DB'
  test('a file inside a folder this user may not enter: "not readable by this user", not "no database"', () => {
    const fs = files({}, { stat: ['/srv/private/latchkey.db'] })
    expect(() => checkSqliteFile('/srv/private/latchkey.db', setting, 'existing', fs)).toThrow(
      'cannot reach /srv/private/latchkey.db: its folder /srv/private (or one above it) is not readable by this user',
    )
  })

  test('a 0600 file of another user: "not readable and writable by this user"', () => {
    const fs = files({ '/srv/latchkey.db': 'file', '/srv': 'folder' }, { access: ['/srv/latchkey.db'] })
    expect(() => checkSqliteFile('/srv/latchkey.db', setting, 'existing', fs)).toThrow(
      '/srv/latchkey.db is not readable and writable by this user',
    )
  })

  test('creating in a folder this user may not write to fails before announcing "creating a new database"', () => {
    const fs = files({ '/root': 'folder' }, { access: ['/root'] })
    expect(() => checkSqliteFile('/root/x.db', setting, 'create', fs)).toThrow(
      'cannot create the database at /root/x.db: the folder /root is not writable by this user (--db / LATCHKEY_DB)',
    )
  })

  test('a missing file in a usable folder is still created, and said so', () => {
    const fs = files({ '/srv': 'folder' }, {})
    expect(checkSqliteFile('/srv/new.db', setting, 'create', fs).map((n) => n.text)).toEqual([
      'creating a new database at /srv/new.db',
    ])
  })
})

/** Runs as root with runuser and a `nobody` user: the real file system then refuses like another operator's would. */
const asNobody = process.getuid?.() === 0 && Bun.which('runuser') !== null && Bun.spawnSync(['id', 'nobody']).success

/**
 * The compiled binary, copied into a folder `nobody` can enter: the checkout itself (and the
 * suite's temporary root) may sit in a folder private to root, as a fresh `mktemp -d` clone does.
 */
let binary = ''

function runAsNobody(args: string[]): { code: number; stderr: string } {
  const r = Bun.spawnSync(['runuser', '-u', 'nobody', '--', binary, ...args], { cwd: '/' })
  return { code: r.exitCode, stderr: r.stderr.toString() }
}

// Skipped unless root with runuser and a nobody user: permissions cannot be tested as root alone.
describe.skipIf(!asNobody)('issue 14 §2: as another user (runuser -u nobody), on the real file system', () => {
  test('a database in a 0700 folder, a 0600 file, and creating under /root are each said plainly', async () => {
    // The suite's own temporary root is private to root, so these folders live in /tmp itself.
    const base = mkdtempSync('/tmp/latchkey-as-nobody-')
    chmodSync(base, 0o755)
    binary = join(base, 'latchkey')
    copyFileSync(await buildBinary(), binary)
    chmodSync(binary, 0o755)
    const closed = join(base, 'closed')
    const open = join(base, 'open')
    mkdirSync(closed)
    mkdirSync(open)
    try {
      expect((await cli(['migrate', '--db', join(closed, 'latchkey.db')])).code).toBe(0)
      expect((await cli(['migrate', '--db', join(open, 'latchkey.db')])).code).toBe(0)
      chmodSync(closed, 0o700)
      chmodSync(open, 0o755)
      chmodSync(join(open, 'latchkey.db'), 0o600)
      const inClosed = runAsNobody(['user', 'list', '--db', join(closed, 'latchkey.db')])
      expect(inClosed.code).toBe(1)
      expect(inClosed.stderr).toContain('is not readable by this user')
      expect(inClosed.stderr).not.toContain('no database')
      const privateFile = runAsNobody(['user', 'list', '--db', join(open, 'latchkey.db')])
      expect(privateFile.code).toBe(1)
      expect(privateFile.stderr).toContain(`${join(open, 'latchkey.db')} is not readable and writable by this user`)
      const create = runAsNobody([
        'app',
        'create',
        '--name',
        'X',
        '--redirect-uri',
        'https://a.example/cb',
        '--db',
        '/root/x.db',
      ])
      expect(create.code).toBe(1)
      expect(create.stderr).not.toContain('creating a new database')
      expect(create.stderr).toContain('not readable by this user')
    } finally {
      rmSync(base, { recursive: true, force: true })
    }
  })
})
