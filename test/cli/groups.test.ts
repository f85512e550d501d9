/**
 * Issue 16: `latchkey group …` manages groups and their members; `latchkey user show` lists a user's
 * groups. Every change is audited; errors name the argument or flag the operator typed.
 */
import { describe, expect, test } from 'bun:test'
import { startCliServer } from '../helpers/cli.ts'
import { PASSWORD } from '../helpers/fixtures.ts'

describe('issue 16: latchkey group', () => {
  test('create, describe, rename, add and remove members, show, list, delete; user show lists the groups', async () => {
    await using lk = await startCliServer()
    for (const u of ['alice', 'bob'])
      expect((await lk.run(['user', 'create', '--username', u, '--password-stdin'], `${PASSWORD}\n`)).code).toBe(0)
    const created = await lk.run(['group', 'create', 'forge-admins', '--description', 'Gitea administrators', '--json'])
    expect(created.code).toBe(0)
    expect(created.json()).toMatchObject({ name: 'forge-admins', description: 'Gitea administrators' })
    expect((await lk.run(['group', 'create', 'devs'])).stdout).toStartWith('created group devs (')

    expect((await lk.run(['group', 'add-member', 'FORGE-ADMINS', '--username', 'Alice'])).stdout).toBe(
      'added alice to forge-admins\n',
    )
    expect((await lk.run(['group', 'add-member', 'forge-admins', '--username', 'alice'])).stdout).toBe(
      'alice was already in forge-admins\n',
    )
    await lk.run(['group', 'add-member', 'devs', '--username', 'alice'])
    await lk.run(['group', 'add-member', 'devs', '--username', 'bob'])

    const shown = await lk.run(['user', 'show', '--username', 'alice', '--json'])
    expect(shown.json()).toMatchObject({ username: 'alice', groups: ['devs', 'forge-admins'] })
    expect((await lk.run(['user', 'show', '--username', 'alice'])).stdout).toContain('groups:   devs forge-admins')

    const renamed = await lk.run(['group', 'rename', 'devs', '--to', 'developers', '--json'])
    expect(renamed.json()).toMatchObject({ name: 'developers' })
    const group = await lk.run(['group', 'show', 'developers', '--json'])
    expect(group.json<{ members: { username: string }[] }>().members.map((m) => m.username)).toEqual(['alice', 'bob'])
    expect((await lk.run(['group', 'show', 'developers'])).stdout).toContain('members:     alice bob')

    expect((await lk.run(['group', 'describe', 'developers', '--description', ''])).code).toBe(0)
    expect((await lk.run(['group', 'show', 'developers', '--json'])).json()).toMatchObject({ description: null })

    expect((await lk.run(['group', 'remove-member', 'developers', '--username', 'bob'])).stdout).toBe(
      'removed bob from developers\n',
    )
    const listed = await lk.run(['group', 'list', '--json'])
    expect(listed.json<{ name: string }[]>().map((g) => g.name)).toEqual(['forge-admins', 'developers'])
    expect((await lk.run(['group', 'list', '--search', 'ADMIN'])).stdout).toContain(
      'forge-admins  Gitea administrators',
    )

    expect((await lk.run(['group', 'delete', 'forge-admins'])).stdout).toBe('deleted group forge-admins\n')
    expect((await lk.run(['user', 'show', '--username', 'alice', '--json'])).json()).toMatchObject({
      groups: ['developers'],
    })
  })

  test('refusals name what the operator typed: a bad or taken name, an unknown user or group', async () => {
    await using lk = await startCliServer()
    await lk.run(['group', 'create', 'ops'])
    const bad = await lk.run(['group', 'create', 'a,b'])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toStartWith('latchkey: NAME: letters, digits')
    const taken = await lk.run(['group', 'create', 'OPS'])
    expect(taken.code).toBe(1)
    expect(taken.stderr).toBe('latchkey: NAME: a group named ops exists\n')
    await lk.run(['group', 'create', 'dev'])
    expect((await lk.run(['group', 'rename', 'dev', '--to', 'Ops'])).stderr).toBe(
      'latchkey: --to: a group named ops exists\n',
    )
    expect((await lk.run(['group', 'rename', 'dev', '--to=-x'])).stderr).toStartWith('latchkey: --to: letters')
    const nobody = await lk.run(['group', 'add-member', 'ops', '--username', 'nobody'])
    expect(nobody.code).toBe(1)
    expect(nobody.stderr).toBe('latchkey: --username: no user named nobody\n')
    expect((await lk.run(['group', 'delete', 'nope'])).stderr).toBe('latchkey: NAME: no group named nope\n')
    expect((await lk.run(['group', 'show', 'nope'])).code).toBe(1)
    expect((await lk.run(['group', 'add-member', 'ops'])).code).toBe(2)
    expect((await lk.run(['group', 'describe', 'ops'])).code).toBe(2)
    expect((await lk.run(['group', 'rename', 'ops'])).code).toBe(2)
  })

  test('every subcommand has --help, and the group help explains names and the claim', async () => {
    await using lk = await startCliServer()
    const help = await lk.run(['group', '--help'])
    expect(help.stdout).toContain('add-member')
    expect(help.stdout).toContain('"groups" claim')
    for (const sub of ['create', 'rename', 'describe', 'delete', 'list', 'show', 'add-member', 'remove-member']) {
      const r = await lk.run(['group', sub, '--help'])
      expect(r.code).toBe(0)
      expect(r.stdout).toStartWith(`Usage: latchkey group ${sub}`)
    }
    expect((await lk.run(['--help'])).stdout).toContain('group      create, rename')
  })
})
