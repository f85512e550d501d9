/**
 * Issue 17 on the command line: `user create|update --admin-read` and `--no-admin-read` make a user a
 * read-only administrator (the console and /graphql at the READ level), as GraphQL's isReadOnlyAdmin does.
 */
import { describe, expect, test } from 'bun:test'
import { startCliServer } from '../helpers/cli.ts'
import { PASSWORD } from '../helpers/fixtures.ts'

describe('issue 17: latchkey user --admin-read', () => {
  test('create --admin-read, update --no-admin-read and --admin-read; show and list say so', async () => {
    await using lk = await startCliServer()
    const created = await lk.run(
      ['user', 'create', '--username', 'reader', '--admin-read', '--password-stdin', '--json'],
      `${PASSWORD}\n`,
    )
    expect(created.json()).toMatchObject({ admin: false, admin_read: true })
    expect((await lk.run(['user', 'show', '--username', 'reader'])).stdout).toContain('read-only administrator')
    expect((await lk.run(['user', 'list'])).stdout).toContain('reader  admin-read')
    const taken = await lk.run(['user', 'update', '--username', 'reader', '--no-admin-read', '--json'])
    expect(taken.json()).toMatchObject({ admin_read: false })
    const given = await lk.run(['user', 'update', '--username', 'reader', '--admin-read', '--json'])
    expect(given.json()).toMatchObject({ admin_read: true })
    const both = await lk.run(['user', 'update', '--username', 'reader', '--admin-read', '--no-admin-read'])
    expect(both.code).toBe(2)
    expect(both.stderr).toContain('contradict')
  })
})
