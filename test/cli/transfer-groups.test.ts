/**
 * Issue 16 (and issue 7's export/import): groups, their members, the groups applications are
 * restricted to and verified e-mail addresses travel with `latchkey export` / `latchkey import`,
 * into PostgreSQL in the PostgreSQL pass and into a new SQLite file otherwise. In-process CLI.
 */
import { afterAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cli as runCli } from '../helpers/cli.ts'
import { createTestDatabase, ENGINE, onPostgres, type TestDatabase } from '../helpers/database.ts'
import { PASSWORD } from '../helpers/fixtures.ts'

const dir = mkdtempSync(join(tmpdir(), 'latchkey-transfer-groups-'))
let pgdb: TestDatabase | undefined
afterAll(async () => {
  await pgdb?.drop()
  rmSync(dir, { recursive: true, force: true })
})

interface Snapshot {
  groups: unknown
  members: Record<string, string[]>
  apps: unknown
  users: unknown
}

/** What an operator sees of groups, memberships, restrictions and verification, in a fixed order. */
async function snapshot(url: string): Promise<Snapshot> {
  const run = async (args: string[]) => {
    const r = await runCli([...args, '--database-url', url, '--json'])
    expect(r.stderr).toBe('')
    return r.json()
  }
  const groups = (await run(['group', 'list'])) as Array<{ name: string }>
  const members: Record<string, string[]> = {}
  for (const g of groups)
    members[g.name] = ((await run(['group', 'show', g.name])).members as Array<{ username: string }>)
      .map((u) => u.username)
      .sort()
  const apps = ((await run(['app', 'list'])) as Array<Record<string, unknown>>)
    .map((a) => ({ name: a.name, allowed: a.allowed_groups, restricted: a.restricted_to_groups }))
    .sort((a, b) => String(a.name).localeCompare(String(b.name)))
  const users = ((await run(['user', 'list'])) as Array<Record<string, unknown>>)
    .map((u) => ({ username: u.username, email_verified: u.email_verified }))
    .sort((a, b) => String(a.username).localeCompare(String(b.username)))
  return { groups, members, apps, users }
}

const destination = ENGINE === 'postgres' ? 'PostgreSQL' : 'a new SQLite file'
describe(`issue 16: groups, restrictions and email_verified survive export → import into ${destination}`, () => {
  test('same groups (ids, names), members, restrictions (a closed one stays closed), verified addresses', async () => {
    const source = `sqlite:${join(dir, 'source.db')}`
    const run = async (args: string[], stdin?: string) => {
      const r = await runCli([...args, '--database-url', source, '--json'], { stdin })
      expect({ args, code: r.code }).toEqual({ args, code: 0 })
      return r.json()
    }
    for (const name of ['alice', 'bob', 'carol'])
      await run(
        [
          'user',
          'create',
          '--username',
          name,
          '--email',
          `${name}@example.com`,
          ...(name === 'alice' ? ['--email-verified'] : []),
          '--password-stdin',
        ],
        PASSWORD + '\n',
      )
    for (const name of ['devs', 'ops', 'gone']) await run(['group', 'create', name])
    await run(['group', 'add-member', 'devs', '--username', 'alice'])
    await run(['group', 'add-member', 'devs', '--username', 'bob'])
    await run(['group', 'add-member', 'ops', '--username', 'carol'])
    const redirect = ['--redirect-uri', 'https://forge.example/cb']
    await run(['app', 'create', '--name', 'Forge', ...redirect, '--group', 'devs', '--group', 'ops'])
    await run(['app', 'create', '--name', 'Closed', ...redirect, '--group', 'gone'])
    await run(['app', 'create', '--name', 'Open', ...redirect])
    await run(['group', 'delete', 'gone'])

    const before = await snapshot(source)
    expect(before.apps).toEqual([
      { name: 'Closed', allowed: [], restricted: true },
      { name: 'Forge', allowed: ['devs', 'ops'], restricted: true },
      { name: 'Open', allowed: [], restricted: false },
    ])
    expect(before.members).toEqual({ devs: ['alice', 'bob'], ops: ['carol'] })

    const file = join(dir, 'latchkey.jsonl')
    const exported = await runCli(['export', '--database-url', source, '--to', file, '--json'])
    expect(exported.code).toBe(0)
    expect(exported.json().rows).toMatchObject({ groups: 2, group_members: 3, application_groups: 2 })
    if (onPostgres) pgdb = await createTestDatabase()
    const target = pgdb ? pgdb.url : `sqlite:${join(dir, 'target.db')}`
    const imported = await runCli(['import', '--database-url', target, '--from', file, '--json'])
    expect(imported.code).toBe(0)
    expect(imported.json().rows).toMatchObject({ groups: 2, group_members: 3, application_groups: 2 })

    expect(await snapshot(target)).toEqual(before)
    expect(before.users).toEqual([
      { username: 'alice', email_verified: true },
      { username: 'bob', email_verified: false },
      { username: 'carol', email_verified: false },
    ])
  }, 120_000)
})
