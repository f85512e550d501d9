/**
 * Issue 14 §6: store/faults.ts tells an outage (503) from a defect (500), checked against the errors
 * the real drivers raise, not hand-made look-alikes, wherever a driver can be made to raise them here.
 */
import { Database as RawSqlite } from 'bun:sqlite'
import { afterAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { openSqlite } from '../../src/store/dialects/sqlite.ts'
import { StorageUnavailable, storageUnavailable } from '../../src/store/faults.ts'
import { onPostgres, TEST_DATABASE_URL } from '../helpers/database.ts'
import { freePort } from '../helpers/server.ts'

async function thrown(run: () => unknown): Promise<unknown> {
  try {
    await run()
  } catch (e) {
    return e
  }
  throw new Error('expected an error')
}

describe('issue 14 §6: storage faults, SQLite (bun:sqlite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-faults-'))
  const path = join(dir, 'f.db')
  const db = new RawSqlite(path, { create: true })
  db.exec('PRAGMA journal_mode = WAL; create table t (id integer primary key, v text unique)')

  test('a lock held by another connection (SQLITE_BUSY) is an outage, retried after 1 s', async () => {
    const other = new RawSqlite(path)
    other.exec('PRAGMA busy_timeout = 0')
    db.exec('BEGIN EXCLUSIVE')
    try {
      const outage = storageUnavailable(await thrown(() => other.run("insert into t (v) values ('x')")))
      expect(outage).toMatchObject({ reason: 'SQLITE_BUSY', retryAfter: 1 })
    } finally {
      db.exec('ROLLBACK')
      other.close()
    }
  })

  test('a database that cannot be written (SQLITE_READONLY) is an outage, retried after 5 s', async () => {
    const readOnly = new RawSqlite(path, { readonly: true })
    try {
      expect(storageUnavailable(await thrown(() => readOnly.run("insert into t (v) values ('ro')")))).toMatchObject({
        reason: expect.stringMatching(/^SQLITE_READONLY/),
        retryAfter: 5,
      })
    } finally {
      readOnly.close()
    }
  })

  test('a file that cannot be opened (SQLITE_CANTOPEN) is an outage', async () => {
    expect(storageUnavailable(await thrown(() => new RawSqlite(join(dir, 'missing', 'x.db'))))?.reason).toStartWith(
      'SQLITE_CANTOPEN',
    )
  })

  test('a constraint violation or a missing table is a defect, not an outage', async () => {
    db.run("insert into t (v) values ('dup')")
    expect(storageUnavailable(await thrown(() => db.run("insert into t (v) values ('dup')")))).toBeUndefined()
    expect(storageUnavailable(await thrown(() => db.run('select * from nowhere')))).toBeUndefined()
    expect(storageUnavailable(new Error('boom'))).toBeUndefined()
    expect(storageUnavailable('a string')).toBeUndefined()
  })

  test('a store closed for shutdown (Kysely: driver destroyed) is an outage', async () => {
    const { db: kysely } = openSqlite(join(dir, 'closed.db'))
    await kysely
      .selectFrom('sqlite_master' as never)
      .selectAll()
      .execute()
    await kysely.destroy()
    expect(
      storageUnavailable(
        await thrown(() =>
          kysely
            .selectFrom('sqlite_master' as never)
            .selectAll()
            .execute(),
        ),
      )?.reason,
    ).toBe('store closed')
  })

  test('found through `cause` and AggregateError, and a StorageUnavailable is itself', () => {
    const busy = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' })
    expect(storageUnavailable(new Error('wrapped', { cause: busy }))?.reason).toBe('SQLITE_BUSY')
    expect(storageUnavailable(new AggregateError([new Error('x'), busy]))?.reason).toBe('SQLITE_BUSY')
    const own = new StorageUnavailable('postgres 57P01', 5)
    expect(storageUnavailable(own)).toBe(own)
  })

  afterAll(() => {
    db.close()
    rmSync(dir, { recursive: true, force: true })
  })
})

describe('issue 14 §6: storage faults, PostgreSQL (pg)', () => {
  test('a refused connection (nothing listening) is an outage', async () => {
    const client = new pg.Client({ host: '127.0.0.1', port: await freePort(), user: 'nobody', database: 'none' })
    client.on('error', () => {})
    expect(storageUnavailable(await thrown(() => client.connect()))?.reason).toBe('ECONNREFUSED')
  })

  test.skipIf(!onPostgres)(
    'a pool that waits too long for a connection, and a session the server ends (57P01), are ' +
      'outages; a missing table or a division by zero is not',
    async () => {
      const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 1, connectionTimeoutMillis: 200 })
      pool.on('error', () => {})
      const held = await pool.connect()
      held.on('error', () => {})
      try {
        expect(storageUnavailable(await thrown(() => pool.connect()))?.reason).toBe('pool timeout')
        expect(storageUnavailable(await thrown(() => held.query('select * from no_such_table')))).toBeUndefined()
        expect(storageUnavailable(await thrown(() => held.query('select 1/0')))).toBeUndefined()
        const killer = new pg.Client({ connectionString: TEST_DATABASE_URL })
        await killer.connect()
        const pid = (await held.query('select pg_backend_pid() as pid')).rows[0].pid
        await killer.query('select pg_terminate_backend($1)', [pid])
        await killer.end()
        expect(storageUnavailable(await thrown(() => held.query('select 1')))?.reason).toMatch(
          /^(postgres 57P01|connection terminated|connection lost)$/,
        )
      } finally {
        held.release(true)
        await pool.end()
      }
    },
  )
})
