/**
 * Issue 15 §3: personal access tokens follow one set of rules (services/tokens/personal-tokens.ts),
 * whether created at the command line or through GraphQL's createPersonalAccessToken.
 */
import { describe, expect, test } from 'bun:test'
import { startCliServer } from '../helpers/cli.ts'
import { PASSWORD } from '../helpers/fixtures.ts'

describe('issue 15 §3: one rule for personal access tokens', () => {
  test(
    'token create refuses a lifetime under 60 s and an unknown scope, naming the flag, as ' + 'GraphQL does',
    async () => {
      await using lk = await startCliServer()
      expect(
        (
          await lk.run(
            ['user', 'create', '--username', 'alice', '--email', 'alice@example.com', '--password-stdin'],
            PASSWORD + '\n',
          )
        ).code,
      ).toBe(0)
      const short = await lk.run([
        'token',
        'create',
        '--username',
        'alice',
        '--scopes',
        'read_user',
        '--expires-in',
        '30',
      ])
      expect(short.code).not.toBe(0)
      expect(short.stdout).toBe('')
      expect(short.stderr).toContain('--expires-in')
      const unknown = await lk.run(['token', 'create', '--username', 'alice', '--scopes', 'read_user no_such_scope'])
      expect(unknown.code).not.toBe(0)
      expect(unknown.stderr).toContain('unknown scope(s): no_such_scope')
      const fine = await lk.run([
        'token',
        'create',
        '--username',
        'alice',
        '--scopes',
        'read_user',
        '--expires-in',
        '60',
        '--json',
      ])
      expect(fine.code).toBe(0)
      expect(fine.json<{ expires_at: number | null }>().expires_at).not.toBeNull()
    },
  )
})
