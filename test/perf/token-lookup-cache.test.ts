/**
 * The token lookup cache (src/store/token-lookup-cache.ts) answers repeated introspections from
 * memory, and must never answer for a token that has stopped being active: RFC 7009 §2.2 (a revoked
 * token is invalid at once), RFC 7662 §2.2 (active means not revoked, not expired, owner valid).
 * The security suites (F, M.73, D) check revocation through every endpoint; this file checks the
 * cache's own edges: writes by another process, expiry, the read race, and which writes count.
 */
import { Database as RawSqlite } from 'bun:sqlite'
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Application } from '../../src/services/applications/applications.ts'
import { createTokenLookupCache } from '../../src/store/token-lookup-cache.ts'
import { changeSignalOf } from '../../src/store/changes.ts'
import { onPostgres } from '../helpers/database.ts'
import type { Client } from '../helpers/fixtures.ts'
import { postForm } from '../helpers/oauth.ts'
import { startServer, testClock, type TestServer } from '../helpers/server.ts'
import { storedTokenKey } from '../helpers/token-keys.ts'

const clock = testClock()
let server: TestServer
let app: Application
let client: Client
beforeAll(async () => {
  server = await startServer({ clock, socket: true }) // one case asks from another process
  const created = await server.provider.services.applications.create({
    name: 'Cache',
    grantTypes: ['client_credentials'],
    redirectUris: [],
    scopes: ['read_user'],
  })
  app = created.application
  client = { clientId: app.clientId, secret: created.clientSecret!, redirectUri: '' }
})
afterAll(async () => {
  await server[Symbol.asyncDispose]()
})

const issue = async () =>
  (
    await server.provider.services.tokens.issue({
      application: app,
      userId: null,
      scopes: ['read_user'],
      withRefresh: false,
      authTime: null,
    })
  ).accessToken
const introspect = async (token: string) =>
  ((await (await postForm(server.url, '/oauth/introspect', client, { token })).json()) as { active: boolean }).active

describe('token lookup cache', () => {
  test.skipIf(onPostgres)(
    'RFC 7009 §2.2: a token revoked by another process (the CLI beside the server) is inactive at the next request',
    async () => {
      const token = await issue()
      expect(await introspect(token)).toBe(true)
      expect(await introspect(token)).toBe(true) // now answered from memory
      const other = new RawSqlite(server.config.db)
      other.run('update access_tokens set revoked_at = ? where token_hash = ?', [clock.now(), storedTokenKey(token)])
      other.close()
      expect(await introspect(token)).toBe(false)
    },
  )

  test.skipIf(onPostgres)(
    'RFC 7009 §2.2: a request that arrives after another process revoked the token is refused ' +
      'even when a lookup ran just before, in the same turn (a reviewer’s case)',
    async () => {
      const token = await issue()
      expect(await introspect(token)).toBe(true)
      expect(await introspect(token)).toBe(true)
      // A lookup started in the check phase (where group-commit continuations and the purge's yields
      // run), then the CLI's commit, then a resource server's request, all before the loop polls again.
      const answer = await new Promise<string>((resolve) => {
        setImmediate(() => void server.provider.services.tokens.findActive('lkat_' + 'A'.repeat(65)))
        setImmediate(() => {
          const other = new RawSqlite(server.config.db)
          other.run('update access_tokens set revoked_at = ? where token_hash = ?', [
            clock.now(),
            storedTokenKey(token),
          ])
          other.close()
          const url = JSON.stringify(server.url + '/oauth/introspect')
          const authorization = JSON.stringify('Basic ' + btoa(`${client.clientId}:${client.secret}`))
          const body = JSON.stringify(`token=${token}`)
          const script =
            `const r = await fetch(${url}, { method: 'POST', headers: { authorization: ${authorization}, ` +
            `'content-type': 'application/x-www-form-urlencoded' }, body: ${body} }); console.log(await r.text())`
          const child = Bun.spawn([process.execPath, '-e', script], { stdout: 'pipe' })
          // Hold the loop until the child's request has surely arrived: it is read by the next poll.
          const until = Date.now() + 400
          while (Date.now() < until) {}
          void new Response(child.stdout).text().then(resolve)
        })
      })
      expect(JSON.parse(answer)).toEqual({ active: false })
    },
  )

  test('RFC 7662 §2.2: a remembered token stops being active when it expires, with no write at all', async () => {
    const token = await issue()
    expect(await introspect(token)).toBe(true)
    clock.advance(7200 + 1) // past the default access-token lifetime
    expect(await introspect(token)).toBe(false)
  })

  test('RFC 7009 §2.2: a revocation racing an introspection of the token is never undone by the cache', async () => {
    for (let i = 0; i < 20; i++) {
      const token = await issue()
      await introspect(token)
      await Promise.all([
        introspect(token),
        postForm(server.url, '/oauth/revoke', client, { token }),
        introspect(token),
      ])
      expect(await introspect(token)).toBe(false)
    }
  })

  test('RFC 7662 §2.2: unknown tokens are never remembered; a lookup answers what the database holds', async () => {
    const lookups = createTokenLookupCache(server.db)
    const token = await issue()
    const key = storedTokenKey(token)
    expect(await lookups.access(key)).toMatchObject({ token_hash: key, revoked_at: null })
    expect(await lookups.access(key + 'x')).toBeUndefined()
    await server.provider.services.tokens.revoke(token, app)
    expect(await lookups.access(key)).toMatchObject({ token_hash: key, revoked_at: expect.any(Number) })
  })

  test(
    'issue 15 §4: every write that may end a token moves the signal the cache trusts; token ' +
      'inserts and reads do not',
    async () => {
      const signal = changeSignalOf(server.db)!
      const watched = [
        signal.everything,
        ...(['access_tokens', 'refresh_tokens', 'users', 'applications'] as const).map((t) => signal.counter(t)),
      ]
      const count = () => watched.reduce((n, c) => n + c.altered, 0)
      const before = count()
      await issue()
      await introspect(await issue())
      expect(count()).toBe(before)
      await server.provider.services.tokens.revoke(await issue(), app)
      expect(count()).toBeGreaterThan(before)
      const revoked = count()
      await server.provider.services.users.create({ username: 'cache-probe', password: 'long enough password' })
      expect(count()).toBe(revoked)
      await server.provider.services.users.delete('cache-probe')
      expect(count()).toBeGreaterThan(revoked)
    },
  )
})
