/**
 * Issue 16: every user has a stable number, the integer `id` of the forges' user APIs (clients decode
 * it as int64; a UUID makes them fail). Migration 2026_12_02_300 numbers existing users in creation
 * order; new users take the next number, concurrently too, on SQLite and PostgreSQL; a number is
 * never given twice, not even after its user is deleted; an export carries the numbers and the counter.
 */
import { describe, expect, test } from 'bun:test'
import { Migrator } from 'kysely'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { migrations } from '../../migrations/index.ts'
import { insertUser } from '../../src/store/repositories/users.ts'
import { openStore } from '../../src/store/open.ts'
import { createTestDatabase, onPostgres } from '../helpers/database.ts'
import { PASSWORD } from '../helpers/fixtures.ts'
import { startServer } from '../helpers/server.ts'

const BEFORE = '2026_12_02_100_refresh_token_nonce'

async function withStore(run: (db: ReturnType<typeof openStore>['db']) => Promise<void>) {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-test-'))
  const pg = onPostgres ? await createTestDatabase() : undefined
  const { db } = openStore({ db: join(dir, 'x.db'), databaseUrl: pg?.url, dbPoolSize: 2 })
  try {
    await run(db)
  } finally {
    await db.destroy()
    await pg?.drop()
    rmSync(dir, { recursive: true, force: true })
  }
}

const user = (id: string, username: string, createdAt: number) => ({
  id,
  username,
  email: null,
  name: null,
  password_hash: 'x',
  is_admin: 0,
  disabled_at: null,
  created_at: createdAt,
  updated_at: createdAt,
})

describe('issue 16: migration 2026_12_02_300 numbers the users a database already has', () => {
  test('in creation order (created_at, then id); the next user gets the next number', async () => {
    await withStore(async (db) => {
      const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } })
      expect((await migrator.migrateTo(BEFORE)).error).toBeUndefined()
      await db
        .insertInto('users')
        .values([
          user('00000000-0000-7000-8000-000000000001', 'carol', 300),
          user('00000000-0000-7000-8000-000000000003', 'bob', 200),
          user('00000000-0000-7000-8000-000000000002', 'alice', 200),
          user('00000000-0000-7000-8000-000000000004', 'dave', 100),
        ])
        .execute()
      expect((await migrator.migrateToLatest()).error).toBeUndefined()
      const rows = await db.selectFrom('users').select(['username', 'number']).orderBy('number').execute()
      expect(rows).toEqual([
        { username: 'dave', number: 1 },
        { username: 'alice', number: 2 },
        { username: 'bob', number: 3 },
        { username: 'carol', number: 4 },
      ])
      const next = await db
        .transaction()
        .execute((trx) => insertUser(trx, user('00000000-0000-7000-8000-000000000005', 'erin', 400)))
      expect(next).toBe(5)
      // The database itself refuses a second user with a number already given.
      await expect(
        db
          .insertInto('users')
          .values({ ...user('00000000-0000-7000-8000-000000000006', 'frank', 500), number: 5 })
          .execute(),
      ).rejects.toThrow()
    })
  })
})

describe('issue 16: the counter is taken inside the creating transaction', () => {
  test('a second creator waits for the first to commit and takes the number after it', async () => {
    await withStore(async (db) => {
      const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } })
      expect((await migrator.migrateToLatest()).error).toBeUndefined()
      let release!: () => void
      const held = new Promise<void>((resolve) => {
        release = resolve
      })
      let firstTook!: () => void
      const took = new Promise<void>((resolve) => {
        firstTook = resolve
      })
      const first = db.transaction().execute(async (trx) => {
        const n = await insertUser(trx, user('00000000-0000-7000-8000-000000000001', 'first', 100))
        firstTook()
        await held // the transaction stays open, its counter row locked
        return n
      })
      await took
      const second = db
        .transaction()
        .execute((trx) => insertUser(trx, user('00000000-0000-7000-8000-000000000002', 'second', 100)))
      // Whether or not the second has reached the lock yet, it cannot share the first one's number.
      await Bun.sleep(50)
      release()
      expect(await Promise.all([first, second])).toEqual([1, 2])
    })
  })
})

describe('issue 16: new users take the next number', () => {
  test("in order; a deleted user's number is never given again", async () => {
    await using server = await startServer()
    const users = server.provider.services.users
    const a = await users.create({ username: 'a1', password: PASSWORD })
    const b = await users.create({ username: 'b1', password: PASSWORD })
    expect([a.number, b.number]).toEqual([1, 2])
    await users.delete('b1')
    const c = await users.create({ username: 'c1', password: PASSWORD })
    expect(c.number).toBe(3)
    expect((await users.findById(c.id))?.number).toBe(3)
    expect((await users.list()).map((u) => u.number).sort()).toEqual([1, 3])
  })

  test('users created at once never share a number (row lock on PostgreSQL, one writer on SQLite)', async () => {
    await using server = await startServer({ config: { dbPoolSize: 4 } })
    const users = server.provider.services.users
    const created = await Promise.all(
      Array.from({ length: 8 }, (_, i) => users.create({ username: `u${i}`, password: PASSWORD })),
    )
    expect(created.map((u) => u.number).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    // A creation that fails (the name is taken) gives its number back: the next one is 9.
    await expect(users.create({ username: 'u0', password: PASSWORD })).rejects.toThrow()
    expect((await users.create({ username: 'u8', password: PASSWORD })).number).toBe(9)
  })
})

describe('issue 16: export and import carry the numbers', () => {
  test("every user keeps its number, and the target goes on from the source's counter", async () => {
    await using source = await startServer()
    const from = source.provider.services
    await from.users.create({ username: 'keep', password: PASSWORD })
    await from.users.create({ username: 'gone', password: PASSWORD })
    await from.users.create({ username: 'late', password: PASSWORD })
    await from.users.delete('late') // its number, 3, stays taken
    const lines: string[] = []
    for await (const line of from.transfer.exportLines()) lines.push(line)

    await using target = await startServer()
    const to = target.provider.services
    await to.transfer.importLines(
      (async function* () {
        yield* lines
      })(),
    )
    expect((await to.users.list()).map((u) => [u.username, u.number]).sort()).toEqual([
      ['gone', 2],
      ['keep', 1],
    ])
    expect((await to.users.create({ username: 'next', password: PASSWORD })).number).toBe(4)
  })
})
