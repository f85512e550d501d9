/**
 * Issue 16: groups are data. The store keeps names unique regardless of case, and a membership goes
 * away with its group or its user, on SQLite (foreign keys on) and PostgreSQL alike.
 */
import { describe, expect, test } from 'bun:test'
import { startServer } from '../helpers/server.ts'
import { PASSWORD } from '../helpers/fixtures.ts'
import type { PageWindow } from '../../src/store/repositories/admin-pages.ts'

const ALL: PageWindow = { limit: 100, inverted: false }

describe('issue 16: the groups store', () => {
  test('a name is unique regardless of case, in the service and in the database itself', async () => {
    await using server = await startServer()
    const { groups, deps } = server.provider.services
    await groups.create({ name: 'Admins' })
    await expect(groups.create({ name: 'admins' })).rejects.toMatchObject({ kind: 'conflict', field: 'name' })
    // Bypassing the service, the unique index on lower(name) still says no.
    const row = { name: 'ADMINS', description: null, created_at: 1, updated_at: 1 }
    await expect(
      deps.db
        .insertInto('groups')
        .values({ id: 'x', ...row })
        .execute(),
    ).rejects.toThrow()
    expect((await groups.find({ name: 'aDmInS' }))?.name).toBe('Admins')
  })

  test('memberships go with the group and with the user (ON DELETE CASCADE)', async () => {
    await using server = await startServer()
    const { groups, users, deps } = server.provider.services
    const alice = await users.create({ username: 'alice', password: PASSWORD })
    await users.create({ username: 'bob', password: PASSWORD })
    await groups.create({ name: 'dev' })
    await groups.create({ name: 'ops' })
    for (const [g, u] of [
      ['dev', 'alice'],
      ['ops', 'alice'],
      ['dev', 'bob'],
      ['ops', 'bob'],
    ] as const)
      await groups.addMember({ name: g }, { username: u })
    expect(await groups.namesForUser(alice.id)).toEqual(['dev', 'ops'])
    await groups.delete({ name: 'ops' })
    expect(await groups.namesForUser(alice.id)).toEqual(['dev'])
    await users.delete('bob')
    const members = await groups.members({ name: 'dev' }, ALL)
    expect(members.map((u) => u.username)).toEqual(['alice'])
    expect(await deps.db.selectFrom('group_members').selectAll().execute()).toHaveLength(1)
  })

  test('namesForUser is sorted by code point whatever the database collation', async () => {
    await using server = await startServer()
    const { groups, users } = server.provider.services
    const alice = await users.create({ username: 'alice', password: PASSWORD })
    for (const name of ['b', 'C', 'a.b', 'a-b', 'Z', '1'])
      await groups.addMember(await groups.create({ name }), { id: alice.id })
    expect(await groups.namesForUser(alice.id)).toEqual(['1', 'C', 'Z', 'a-b', 'a.b', 'b'])
  })

  test('pages are keyset windows; search matches part of the name in any case, with LIKE characters literal', async () => {
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
