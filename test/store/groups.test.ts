/**
 * Issue 16: groups are data. The store keeps names unique regardless of case, and a membership goes
 * away with its group or its user, on SQLite (foreign keys on) and PostgreSQL alike.
 */
import { describe, expect, test } from 'bun:test'
import { Migrator } from 'kysely'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { migrations } from '../../migrations/index.ts'
import type { Db } from '../../src/store/database.ts'
import { openStore } from '../../src/store/open.ts'
import type { PageWindow } from '../../src/store/repositories/admin-pages.ts'
import { createTestDatabase, onPostgres } from '../helpers/database.ts'
import { PASSWORD } from '../helpers/fixtures.ts'
import { startServer } from '../helpers/server.ts'

const ALL: PageWindow = { limit: 100, inverted: false }

/** A migrated store on the engine of this run, without a provider; `beforeGroups` runs before 2026_12_02_200. */
async function withStore(run: (db: Db) => Promise<void>, beforeGroups?: (db: Db) => Promise<void>) {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-test-'))
  const pg = onPostgres ? await createTestDatabase() : undefined
  const { db } = openStore({ db: join(dir, 'x.db'), databaseUrl: pg?.url, dbPoolSize: 2 })
  try {
    const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } })
    if (beforeGroups) {
      expect((await migrator.migrateTo('2026_12_02_100_refresh_token_nonce')).error).toBeUndefined()
      await beforeGroups(db)
    }
    expect((await migrator.migrateToLatest()).error).toBeUndefined()
    await run(db)
  } finally {
    await db.destroy()
    await pg?.drop()
    rmSync(dir, { recursive: true, force: true })
  }
}

const user = (id: string) => ({
  id,
  username: id,
  email: null,
  name: null,
  password_hash: 'x',
  is_admin: 0,
  disabled_at: null,
  created_at: 1,
  updated_at: 1,
})
const group = (id: string, name: string) => ({ id, name, description: null, created_at: 1, updated_at: 1 })

describe('issue 16: the groups tables (migration 2026_12_02_200)', () => {
  test('the database itself refuses a second name that differs only in case', async () => {
    await withStore(async (db) => {
      await db.insertInto('groups').values(group('g1', 'Admins')).execute()
      await expect(db.insertInto('groups').values(group('g2', 'ADMINS')).execute()).rejects.toThrow()
      await db.insertInto('groups').values(group('g3', 'Admins2')).execute()
    })
  })

  test('memberships go with the group and with the user (ON DELETE CASCADE); a membership is unique', async () => {
    await withStore(async (db) => {
      await db
        .insertInto('users')
        .values([user('alice'), user('bob')])
        .execute()
      await db
        .insertInto('groups')
        .values([group('dev', 'dev'), group('ops', 'ops')])
        .execute()
      const member = (group_id: string, user_id: string) => ({ group_id, user_id, created_at: 1 })
      const all = ['dev', 'ops'].flatMap((g) => ['alice', 'bob'].map((u) => member(g, u)))
      await db.insertInto('group_members').values(all).execute()
      await expect(db.insertInto('group_members').values(member('dev', 'alice')).execute()).rejects.toThrow()
      await db.deleteFrom('users').where('id', '=', 'bob').execute()
      await db.deleteFrom('groups').where('id', '=', 'ops').execute()
      expect(await db.selectFrom('group_members').select(['group_id', 'user_id']).execute()).toEqual([
        { group_id: 'dev', user_id: 'alice' },
      ])
    })
  })

  test('the built-in groups scope is added, and a groups scope made before keeps its description', async () => {
    await withStore(async (db) => {
      expect(await db.selectFrom('scopes').select('name').where('name', '=', 'groups').execute()).toHaveLength(1)
    })
    await withStore(
      async (db) => {
        expect(
          await db.selectFrom('scopes').select('description').where('name', '=', 'groups').executeTakeFirst(),
        ).toEqual({ description: 'Our own groups' })
      },
      async (db) => {
        const scope = { name: 'groups', description: 'Our own groups', implies: '', is_default: 0, created_at: 1 }
        await db.insertInto('scopes').values(scope).execute()
      },
    )
  })
})

describe('issue 16: the groups service', () => {
  test('a name is unique regardless of case, and found in any case', async () => {
    await using server = await startServer()
    const { groups } = server.provider.services
    await groups.create({ name: 'Admins' })
    await expect(groups.create({ name: 'admins' })).rejects.toMatchObject({ kind: 'conflict', field: 'name' })
    expect((await groups.find({ name: 'aDmInS' }))?.name).toBe('Admins')
  })

  test('deleting a group or a user ends its memberships', async () => {
    await using server = await startServer()
    const { groups, users } = server.provider.services
    const alice = await users.create({ username: 'alice', password: PASSWORD })
    await users.create({ username: 'bob', password: PASSWORD })
    await groups.create({ name: 'dev' })
    await groups.create({ name: 'ops' })
    for (const g of ['dev', 'ops'])
      for (const u of ['alice', 'bob']) await groups.addMember({ name: g }, { username: u })
    expect(await groups.namesForUser(alice.id)).toEqual(['dev', 'ops'])
    await groups.delete({ name: 'ops' })
    expect(await groups.namesForUser(alice.id)).toEqual(['dev'])
    await users.delete('bob')
    const members = await groups.members({ name: 'dev' }, ALL)
    expect(members.map((u) => u.username)).toEqual(['alice'])
  })

  test('namesForUser is sorted by code point whatever the database collation', async () => {
    await using server = await startServer()
    const { groups, users } = server.provider.services
    const alice = await users.create({ username: 'alice', password: PASSWORD })
    for (const name of ['b', 'C', 'a.b', 'a-b', 'Z', '1'])
      await groups.addMember(await groups.create({ name }), { id: alice.id })
    expect(await groups.namesForUser(alice.id)).toEqual(['1', 'C', 'Z', 'a-b', 'a.b', 'b'])
  })

  test('pages are keyset windows; search matches part of a name in any case, LIKE characters literal', async () => {
    await using server = await startServer()
    const { groups } = server.provider.services
    for (const name of ['web-admins', 'web_users', 'ci', 'WEBX']) await groups.create({ name })
    const names = async (filter = {}, w = ALL) => (await groups.list(w, filter)).map((g) => g.name)
    expect(await names()).toEqual(['web-admins', 'web_users', 'ci', 'WEBX'])
    expect(await names({ search: 'web' })).toEqual(['web-admins', 'web_users', 'WEBX'])
    expect(await names({ search: 'b_' })).toEqual(['web_users'])
    const first = await groups.list({ limit: 2, inverted: false }, {})
    expect(await names({}, { after: first[1]!.id, limit: 10, inverted: false })).toEqual(['ci', 'WEBX'])
  })
})
