/**
 * Issue 7: `latchkey export` / `latchkey import` move a deployment from SQLite to another database
 * (PostgreSQL in CI's PostgreSQL pass, another SQLite file otherwise) without invalidating any
 * token issued before the move. The commands run in-process (../helpers/cli.ts); the servers before
 * and after the move are the compiled binary.
 */
import { afterAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose'
import { startBinary } from '../helpers/binary.ts'
import { cli as runCli } from '../helpers/cli.ts'
import { Browser } from '../helpers/browser.ts'
import { createTestDatabase, ENGINE, onPostgres, type TestDatabase } from '../helpers/database.ts'
import { PASSWORD, type Client } from '../helpers/fixtures.ts'
import { pkcePair, postForm } from '../helpers/oauth.ts'

const dir = mkdtempSync(join(tmpdir(), 'latchkey-transfer-'))
let pgdb: TestDatabase | undefined
afterAll(async () => {
  await pgdb?.drop()
  rmSync(dir, { recursive: true, force: true })
})

interface Tokens {
  access_token: string
  refresh_token: string
  id_token: string
}

const destination = ENGINE === 'postgres' ? 'PostgreSQL' : 'a new SQLite file'
describe(`issue 7: export from SQLite, import into ${destination}`, () => {
  test('every token issued before the move works after it; a replayed rotated refresh token still ' +
    'revokes its family', async () => {
    const source = `sqlite:${join(dir, 'source.db')}`
    const cli = (url: string, args: string[], stdin?: string) =>
      runCli([...args, '--database-url', url, '--json'], { stdin })

    // Before: a user, an app and a resource server, tokens from a full flow, a rotation, a personal token.
    expect(
      (
        await cli(
          source,
          ['user', 'create', '--username', 'alice', '--email', 'alice@example.com', '--password-stdin'],
          PASSWORD + '\n',
        )
      ).code,
    ).toBe(0)
    const created = (
      await cli(source, [
        'app',
        'create',
        '--name',
        'Forge',
        '--redirect-uri',
        'https://forge.example/cb',
        '--scopes',
        'openid profile email',
        '--trusted',
      ])
    ).json()
    const app: Client = {
      clientId: created.client_id,
      secret: created.client_secret,
      redirectUri: 'https://forge.example/cb',
    }
    const server = (
      await cli(source, ['app', 'create', '--name', 'API', '--redirect-uri', 'https://api.example/cb', '--introspect'])
    ).json()
    const rs: Client = {
      clientId: server.client_id,
      secret: server.client_secret,
      redirectUri: 'https://api.example/cb',
    }
    const personal = (await cli(source, ['token', 'create', '--username', 'alice', '--scopes', 'read_user'])).json()
      .token as string

    let first: Tokens
    let current: Tokens
    let oldJwks: JSONWebKeySet
    {
      await using before = await startBinary({ args: ['--database-url', source, '--log-level', 'warn'] })
      const { verifier, challenge } = pkcePair()
      const redirect = await new Browser(before.url).authorize({
        response_type: 'code',
        client_id: app.clientId,
        redirect_uri: app.redirectUri,
        scope: 'openid profile',
        state: 's',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      })
      const code = redirect.searchParams.get('code')!
      first = (await (
        await postForm(before.url, '/oauth/token', app, {
          grant_type: 'authorization_code',
          code,
          redirect_uri: app.redirectUri,
          code_verifier: verifier,
        })
      ).json()) as Tokens
      current = (await (
        await postForm(before.url, '/oauth/token', app, {
          grant_type: 'refresh_token',
          refresh_token: first.refresh_token,
        })
      ).json()) as Tokens
      expect(current.access_token).toStartWith('lkat_')
      oldJwks = (await (await fetch(`${before.url}/oauth/discovery/keys`)).json()) as JSONWebKeySet
    }

    // The move: export with the source stopped, import into a new database.
    const file = join(dir, 'latchkey.jsonl')
    const exported = await runCli(['export', '--database-url', source, '--to', file, '--json'])
    expect(exported.code).toBe(0)
    expect(exported.json().rows).toMatchObject({ users: 1, applications: 2, access_tokens: 2, refresh_tokens: 2 })
    if (onPostgres) pgdb = await createTestDatabase()
    const target = pgdb ? pgdb.url : `sqlite:${join(dir, 'target.db')}`
    const imported = await runCli(['import', '--database-url', target, '--from', file, '--json'])
    expect(imported.code).toBe(0)
    // The first access token was revoked by the rotation: it did not travel.
    expect(imported.json().rows).toMatchObject({ users: 1, applications: 2, access_tokens: 2, refresh_tokens: 2 })
    const again = await runCli(['import', '--database-url', target, '--from', file])
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('import only into a new, empty database')

    // After: the same tokens, secrets, keys and password, on the new database.
    await using after = await startBinary({ args: ['--database-url', target, '--log-level', 'warn'] })
    const introspect = async (token: string) =>
      (await (await postForm(after.url, '/oauth/introspect', rs, { token })).json()) as {
        active: boolean
        client_id?: string
      }
    expect(await introspect(current.access_token)).toMatchObject({ active: true, client_id: app.clientId })
    expect(await introspect(personal)).toMatchObject({ active: true })
    expect(await introspect(first.access_token)).toMatchObject({ active: false })
    const userinfo = await fetch(`${after.url}/oauth/userinfo`, {
      headers: { Authorization: `Bearer ${current.access_token}` },
    })
    expect(await userinfo.json()).toMatchObject({ preferred_username: 'alice' })

    // ID tokens signed before the move verify against the new JWKS; the same keys were published.
    const newJwks = (await (await fetch(`${after.url}/oauth/discovery/keys`)).json()) as JSONWebKeySet
    expect(newJwks.keys.map((k) => k.kid).sort()).toEqual(oldJwks.keys.map((k) => k.kid).sort())
    await jwtVerify(current.id_token, createLocalJWKSet(newJwks), { audience: app.clientId, currentDate: new Date() })

    // The refresh token issued before the move rotates; replaying the one rotated before the move revokes the family.
    const refreshed = await postForm(after.url, '/oauth/token', app, {
      grant_type: 'refresh_token',
      refresh_token: current.refresh_token,
    })
    expect(refreshed.status).toBe(200)
    const next = (await refreshed.json()) as Tokens
    expect(
      (
        await postForm(after.url, '/oauth/token', app, {
          grant_type: 'refresh_token',
          refresh_token: first.refresh_token,
        })
      ).status,
    ).toBe(400)
    expect(await introspect(next.access_token)).toMatchObject({ active: false })

    // The password hash moved too.
    expect((await new Browser(after.url).login('alice', PASSWORD)).status).toBe(303)
  }, 120_000)

  test('import refuses a file that is not an export, and names the line', async () => {
    const bad = join(dir, 'bad.jsonl')
    await Bun.write(bad, '{"hello":"world"}\n')
    const r = await runCli(['import', '--db', join(dir, 'empty.db'), '--from', bad])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('not a latchkey export')
  })
})
