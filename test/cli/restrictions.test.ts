/**
 * Issue 16 on the command line: `app create|update --group NAME` (repeatable) restricts an application
 * to members of those groups, `--no-groups` opens it again; `user create|update --email-verified` and
 * `--no-email-verified` vouch for an address. Errors name the flag the operator typed.
 */
import { describe, expect, test } from 'bun:test'
import { startCliServer } from '../helpers/cli.ts'
import { PASSWORD } from '../helpers/fixtures.ts'

const REDIRECT = ['--redirect-uri', 'https://wiki.example/cb']

describe('issue 16: latchkey app --group and user --email-verified', () => {
  test('app create --group (repeated), update --group replaces, --no-groups clears; renames keep working', async () => {
    await using lk = await startCliServer()
    for (const g of ['devs', 'ops']) expect((await lk.run(['group', 'create', g])).code).toBe(0)
    const created = await lk.run([
      'app',
      'create',
      '--name',
      'Wiki',
      ...REDIRECT,
      '--group',
      'devs',
      '--group',
      'OPS',
      '--json',
    ])
    expect(created.code).toBe(0)
    const app = created.json<{ client_id: string; allowed_groups: string[]; restricted_to_groups: boolean }>()
    expect(app).toMatchObject({ allowed_groups: ['devs', 'ops'], restricted_to_groups: true })

    // Stored by id: the renamed group is still on the list, under its new name.
    await lk.run(['group', 'rename', 'devs', '--to', 'developers'])
    expect((await lk.run(['app', 'show', app.client_id, '--json'])).json()).toMatchObject({
      allowed_groups: ['developers', 'ops'],
    })
    expect((await lk.run(['app', 'show', app.client_id])).stdout).toContain('users:         members of developers, ops')

    const replaced = await lk.run(['app', 'update', app.client_id, '--group', 'ops', '--json'])
    expect(replaced.json()).toMatchObject({ allowed_groups: ['ops'], restricted_to_groups: true })
    await lk.run(['group', 'delete', 'ops'])
    expect((await lk.run(['app', 'show', app.client_id])).stdout).toContain(
      'users:         nobody (its groups were deleted)',
    )
    const cleared = await lk.run(['app', 'update', app.client_id, '--no-groups', '--json'])
    expect(cleared.json()).toMatchObject({ allowed_groups: [], restricted_to_groups: false })
    expect((await lk.run(['app', 'show', app.client_id])).stdout).toContain('users:         everyone')

    const unknown = await lk.run(['app', 'update', app.client_id, '--group', 'nope'])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain('no group named nope')
    expect(unknown.stderr).toContain('--group')
    const both = await lk.run(['app', 'update', app.client_id, '--group', 'developers', '--no-groups'])
    expect(both.code).not.toBe(0)
    expect(both.stderr).toContain('contradict')
  })

  test('user create --email-verified; update --email clears it unless --email-verified is given again', async () => {
    await using lk = await startCliServer()
    const created = await lk.run(
      [
        'user',
        'create',
        '--username',
        'alice',
        '--email',
        'a@example.com',
        '--email-verified',
        '--password-stdin',
        '--json',
      ],
      `${PASSWORD}\n`,
    )
    expect(created.json()).toMatchObject({ email: 'a@example.com', email_verified: true })
    const moved = await lk.run(['user', 'update', '--username', 'alice', '--email', 'b@example.com', '--json'])
    expect(moved.json()).toMatchObject({ email: 'b@example.com', email_verified: false })
    const vouched = await lk.run(['user', 'update', '--username', 'alice', '--email-verified', '--json'])
    expect(vouched.json()).toMatchObject({ email_verified: true })
    expect((await lk.run(['user', 'show', '--username', 'alice'])).stdout).toContain('b@example.com (verified)')
    const unmarked = await lk.run(['user', 'update', '--username', 'alice', '--no-email-verified', '--json'])
    expect(unmarked.json()).toMatchObject({ email_verified: false })
    const both = await lk.run(['user', 'update', '--username', 'alice', '--email-verified', '--no-email-verified'])
    expect(both.code).not.toBe(0)
    expect(both.stderr).toContain('contradict')
    const noAddress = await lk.run(
      ['user', 'create', '--username', 'bob', '--email-verified', '--password-stdin'],
      `${PASSWORD}\n`,
    )
    expect(noAddress.code).toBe(1)
    expect(noAddress.stderr).toContain('--email-verified')
  })
})
