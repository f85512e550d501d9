/**
 * Issue 14 §3: usernames and e-mail addresses are unique regardless of case. The migration that
 * adds the unique indexes keeps every account of a database that already holds case-duplicates.
 */
import { describe, expect, test } from 'bun:test'
import { Migrator } from 'kysely'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { migrations } from '../../migrations/index.ts'
import { openStore } from '../../src/store/open.ts'
import { Browser } from '../helpers/browser.ts'
import { createTestDatabase, onPostgres } from '../helpers/database.ts'
import { PASSWORD } from '../helpers/fixtures.ts'
import { startServer } from '../helpers/server.ts'

const BEFORE = '2026_11_28_000_live_token_counts'

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

const user = (id: string, username: string, email: string | null, createdAt: number) => ({
  id,
  username,
  email,
  name: null,
  password_hash: 'x',
  is_admin: 0,
  disabled_at: null,
  created_at: createdAt,
  updated_at: createdAt,
})

describe('issue 14 §3: migration 2026_12_02_000 on a database holding case-duplicates', () => {
  test(
    'nobody is lost: the oldest keeps the name and address, later ones are renamed name~N or ' +
      'lose the address, each audited',
    async () => {
      await withStore(async (db) => {
        const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } })
        expect((await migrator.migrateTo(BEFORE)).error).toBeUndefined()
        await db
          .insertInto('users')
          .values([
            user('00000000-0000-7000-8000-000000000003', 'BOB', 'Bob@Example.com', 300),
            user('00000000-0000-7000-8000-000000000001', 'bob', 'bob@example.com', 100),
            user('00000000-0000-7000-8000-000000000002', 'Bob', null, 200),
            user('00000000-0000-7000-8000-000000000004', 'carol', 'BOB@example.COM', 400),
            user('00000000-0000-7000-8000-000000000005', 'dave', null, 500),
          ])
          .execute()
        expect((await migrator.migrateToLatest()).error).toBeUndefined()
        const rows = await db.selectFrom('users').select(['id', 'username', 'email']).orderBy('id').execute()
        expect(rows).toEqual([
          { id: '00000000-0000-7000-8000-000000000001', username: 'bob', email: 'bob@example.com' },
          { id: '00000000-0000-7000-8000-000000000002', username: 'Bob~2', email: null },
          { id: '00000000-0000-7000-8000-000000000003', username: 'BOB~3', email: null },
          { id: '00000000-0000-7000-8000-000000000004', username: 'carol', email: null },
          { id: '00000000-0000-7000-8000-000000000005', username: 'dave', email: null },
        ])
        const events = await db.selectFrom('audit_events').select(['type', 'user_id', 'detail']).orderBy('id').execute()
        expect(events.map((e) => [e.type, e.user_id!.slice(-1), JSON.parse(e.detail)])).toEqual([
          ['user.renamed_case_duplicate', '2', { from: 'Bob', to: 'Bob~2' }],
          ['user.renamed_case_duplicate', '3', { from: 'BOB', to: 'BOB~3' }],
          ['user.email_cleared_case_duplicate', '3', { email: 'Bob@Example.com' }],
          ['user.email_cleared_case_duplicate', '4', { email: 'BOB@example.COM' }],
        ])
        // The database itself now refuses a case-duplicate, whoever writes.
        await expect(
          db
            .insertInto('users')
            .values(user('00000000-0000-7000-8000-000000000006', 'DAVE', null, 600))
            .execute(),
        ).rejects.toThrow()
        await expect(
          db
            .insertInto('users')
            .values(user('00000000-0000-7000-8000-000000000007', 'erin', 'BOB@EXAMPLE.COM', 700))
            .execute(),
        ).rejects.toThrow()
      })
    },
  )
})

describe('issue 14 §3: usernames and e-mail addresses ignore case', () => {
  test('bob and Bob cannot coexist, BOB signs in as bob, a shared address in another case is a conflict', async () => {
    await using server = await startServer()
    const users = server.provider.services.users
    const bob = await users.create({ username: 'bob', email: 'bob@example.com', password: PASSWORD })
    await expect(users.create({ username: 'Bob', password: PASSWORD })).rejects.toMatchObject({
      kind: 'conflict',
      field: 'username',
    })
    await expect(
      users.create({ username: 'robert', email: 'BOB@Example.com', password: PASSWORD }),
    ).rejects.toMatchObject({ kind: 'conflict', field: 'email' })
    expect((await users.authenticate('BOB', PASSWORD))?.id).toBe(bob.id)
    expect((await users.findByUsername('bOb'))?.id).toBe(bob.id)
    const carol = await users.create({ username: 'carol', password: PASSWORD })
    const admin = await users.create({ username: 'root', password: PASSWORD, isAdmin: true })
    const token = (await server.provider.services.tokens.issuePersonal(admin.id, ['admin'], null)).token
    const actor = await server.provider.services.admin.access.actorForToken(token)
    if (!actor.ok) throw new Error('no actor')
    await expect(
      server.provider.services.admin.users.update(actor.actor, carol.id, { email: 'Bob@example.com' }),
    ).rejects.toMatchObject({ kind: 'conflict', field: 'email' })
  })

  test('the sign-in form accepts the username in any case', async () => {
    await using server = await startServer()
    await server.provider.services.users.create({ username: 'alice', password: PASSWORD })
    const res = await new Browser(server.url).login('ALICE', PASSWORD)
    expect(res.status).toBe(303)
  })
})
