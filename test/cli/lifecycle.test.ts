/**
 * Issue 14 §3: account lifecycle and application updates from the command line, run as the
 * compiled binary against a running server, one command at a time: user enable/unlock/delete,
 * update, `user list` marks, `app update`, `token list` and `token revoke`.
 */
import { describe, expect, test } from 'bun:test'
import { startBinary, type RunningBinary } from '../helpers/binary.ts'
import { Browser } from '../helpers/browser.ts'
import { PASSWORD } from '../helpers/fixtures.ts'

async function run(lk: RunningBinary, args: string[], stdin?: string) {
  const r = await lk.run(args, stdin)
  if (r.code !== 0) throw new Error(`latchkey ${args.join(' ')} exited ${r.code}: ${r.stderr}`)
  return r
}

describe('issue 14 §3: the CLI covers the account lifecycle', () => {
  test('user list marks admins and disabled users; disable, enable, unlock and delete; token list ' +
    'and revoke; app update fixes a redirect URI', async () => {
    await using lk = await startBinary()
    await run(lk, ['user', 'create', '--username', 'root', '--admin', '--password-stdin'], PASSWORD)
    await run(lk, ['user', 'create', '--username', 'alice', '--password-stdin'], PASSWORD)
    await run(lk, ['user', 'disable', '--username', 'ALICE'])

    const list = await run(lk, ['user', 'list'])
    expect(list.stdout).toMatch(/ root {2}admin\n/)
    expect(list.stdout).toMatch(/ alice {2}disabled\n/)
    const listed = (await run(lk, ['user', 'list', '--json'])).json<
      Array<{ username: string; admin: boolean; disabled: boolean }>
    >()
    expect(listed.map(({ username, admin, disabled }) => ({ username, admin, disabled }))).toEqual([
      { username: 'root', admin: true, disabled: false },
      { username: 'alice', admin: false, disabled: true },
    ])

    expect((await run(lk, ['user', 'enable', '--username', 'alice', '--json'])).json()).toMatchObject({
      username: 'alice',
      disabled: false,
    })
    expect(
      (
        await run(lk, [
          'user',
          'update',
          '--username',
          'alice',
          '--email',
          'Alice@Example.com',
          '--name',
          'Alice',
          '--json',
        ])
      ).json(),
    ).toMatchObject({ email: 'Alice@Example.com', name: 'Alice', admin: false })
    const sameAddress = await lk.run(
      ['user', 'create', '--username', 'ALICE2', '--email', 'alice@example.COM', '--password-stdin'],
      PASSWORD,
    )
    expect({ code: sameAddress.code, stderr: sameAddress.stderr }).toEqual({
      code: 1,
      stderr: expect.stringContaining('e-mail address belongs to another account'),
    })
    const browser = new Browser(lk.url)
    for (let i = 0; i < 10; i++) await browser.login('alice', 'wrong password')
    expect((await browser.login('alice', PASSWORD)).status).toBe(429)
    expect((await run(lk, ['user', 'unlock', '--username', 'alice'])).stdout).toContain(
      'lifted the sign-in lockout of alice',
    )
    expect((await browser.login('Alice', PASSWORD)).status).toBe(303)

    const created = (
      await run(lk, [
        'app',
        'create',
        '--name',
        'Wiki',
        '--redirect-uri',
        'https://wiki.example/cb-typo',
        '--owner',
        'alice',
        '--trusted',
        '--json',
      ])
    ).json<{ client_id: string }>()
    const updated = (
      await run(lk, [
        'app',
        'update',
        created.client_id,
        '--redirect-uri',
        'https://wiki.example/cb',
        '--refresh-tokens',
        'offline_access',
        '--access-token-lifetime',
        '600',
        '--no-trusted',
        '--introspect',
        '--json',
      ])
    ).json()
    expect(updated).toMatchObject({
      redirect_uris: ['https://wiki.example/cb'],
      refresh_tokens: 'offline_access',
      trusted: false,
      introspect: true,
      name: 'Wiki',
    })
    const nothing = await lk.run(['app', 'update', created.client_id])
    expect(nothing.code).toBe(2)
    // What the CLI set, as GraphQL reads it: the same application.
    const admin = (await run(lk, ['token', 'create', '--username', 'root', '--scopes', 'admin', '--json'])).json<{
      token: string
    }>().token
    const graphql = async (query: string) => {
      const res = await fetch(`${lk.url}/graphql`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ query }),
      })
      return ((await res.json()) as { data: any }).data
    }
    const app = `application(clientId: "${created.client_id}") {
      owner { username } accessTokenLifetime refreshTokenPolicy redirectUris
    }`
    expect((await graphql(`{ ${app} }`)).application).toEqual({
      owner: { username: 'alice' },
      accessTokenLifetime: 600,
      refreshTokenPolicy: 'OFFLINE_ACCESS',
      redirectUris: ['https://wiki.example/cb'],
    })

    const pat = (await run(lk, ['token', 'create', '--username', 'alice', '--scopes', 'read_user', '--json'])).json<{
      id: string
      token: string
    }>()
    const tokens = (await run(lk, ['token', 'list', '--username', 'alice', '--json'])).json<
      Array<{ id: string; hint: string; username: string; active: boolean }>
    >()
    expect(tokens).toEqual([
      expect.objectContaining({ id: pat.id, hint: pat.token.slice(-4), username: 'alice', active: true }),
    ])
    expect((await run(lk, ['token', 'revoke', pat.id])).stdout).toContain(`revoked ${pat.id}`)
    expect(
      (await fetch(`${lk.url}/oauth/token/info`, { headers: { Authorization: `Bearer ${pat.token}` } })).status,
    ).toBe(401)
    expect((await run(lk, ['token', 'list', '--username', 'alice'])).stdout.trim()).toBe('no personal access tokens')

    expect((await run(lk, ['user', 'delete', '--username', 'alice', '--json'])).json()).toMatchObject({
      username: 'alice',
    })
    expect((await browser.get('/account/applications')).status).toBe(303)
    expect((await graphql(`{ ${app} }`)).application.owner).toBeNull()
    expect(
      (await run(lk, ['user', 'list', '--json'])).json<Array<{ username: string }>>().map((u) => u.username),
    ).toEqual(['root'])
  }, 120_000) // about twenty processes, one after another, plus the build: no race against a busy machine
})
