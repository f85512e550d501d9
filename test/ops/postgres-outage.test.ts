/**
 * Issue 14 §6 on PostgreSQL: the server stops under a running provider that is answering token
 * requests. Every answer given while it is down is 503 with Retry-After in the endpoint's own shape
 * (RFC 6749 §5.2 `temporarily_unavailable`, an HTML page, a GraphQL error code), each logged as one
 * line without a stack; when the server is back, requests succeed again.
 *
 * The cluster is the test's own (test/helpers/private-postgres.ts), never the shared server of
 * LATCHKEY_TEST_DATABASE_URL, so this runs in both passes wherever Debian's PostgreSQL binaries are
 * installed (.ci/run installs them before its PostgreSQL pass).
 */
import { afterAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '../../src/config.ts'
import { openProvider } from '../../src/provider.ts'
import { expectOneQuietLine, expectUnavailable, machineClient, type Shape } from '../helpers/faults.ts'
import { basic } from '../helpers/oauth.ts'
import { POSTGRES_BIN, startPrivatePostgres, stopLeftoverClusters } from '../helpers/private-postgres.ts'
import { freePort } from '../helpers/server.ts'

const ABSENT =
  'SKIPPED: no Debian PostgreSQL binaries under /usr/lib/postgresql/*/bin' +
  ' (apt-get install postgresql; .ci/run installs them)'
if (!POSTGRES_BIN) console.warn(`postgres-outage.test.ts: ${ABSENT}`)
afterAll(stopLeftoverClusters)

describe('issue 14 §6: PostgreSQL stopped under a running instance', () => {
  test.skipIf(!POSTGRES_BIN)(
    `every answer while it is down is 503 + Retry-After in its endpoint's shape,` +
      ` one log line each, no stack; then it recovers${POSTGRES_BIN ? '' : ` (${ABSENT})`}`,
    async () => {
      await using pg = await startPrivatePostgres()
      const dir = mkdtempSync(join(tmpdir(), 'latchkey-pg-outage-'))
      await using _cleanup = { [Symbol.asyncDispose]: async () => rmSync(dir, { recursive: true, force: true }) }
      const port = await freePort()
      const issuer = `http://127.0.0.1:${port}`
      const config = loadConfig({
        flags: { db: join(dir, 'unused.db'), 'database-url': pg.url, port, host: '127.0.0.1', issuer, metrics: 'on' },
        env: {},
      })
      const logs: string[] = []
      await using provider = await openProvider(config, {
        logger: { log: (level, msg, fields) => logs.push(JSON.stringify({ level, msg, ...fields })) },
      })
      const { services } = provider
      const client = await machineClient(services)
      const admin = await services.users.create({
        username: 'root',
        password: 'correct horse battery staple',
        isAdmin: true,
      })
      const adminToken = (await services.tokens.issuePersonal(admin.id, ['admin', 'read_user'], null)).token

      const call = (path: string, init: RequestInit = {}) => provider.app.fetch(new Request(issuer + path, init))
      const form = (path: string, fields: Record<string, string>) =>
        call(path, {
          method: 'POST',
          headers: {
            Authorization: basic(client.clientId!, client.secret!),
            'Content-Type': 'application/x-www-form-urlencoded',
          },
          body: new URLSearchParams(fields),
        })
      const token = () => form('/oauth/token', { grant_type: 'client_credentials', scope: 'read_user' })
      const issued = ((await (await token()).json()) as { access_token: string }).access_token

      // Light, bounded load: 4 clients asking for tokens one after another (25 each at most) while
      // the server stops under them, then a burst of 24 once it is down.
      let down = false
      const whileStopping: Response[] = []
      const worker = async () => {
        for (let i = 0; i < 25 && !down; i++) whileStopping.push(await token())
      }
      const workers = Array.from({ length: 4 }, worker)
      while (whileStopping.length < 8) await Bun.sleep(5)
      await pg.stop()
      down = true
      await Promise.all(workers)
      const whileDown = await Promise.all(Array.from({ length: 24 }, token))

      const answers: Array<[Response, Shape]> = whileDown.map((r) => [r, 'oauth'])
      answers.push([await form('/oauth/revoke', { token: issued }), 'oauth'])
      answers.push([await form('/oauth/introspect', { token: issued }), 'oauth'])
      answers.push([await form('/oauth/authorize_device', { scope: 'read_user' }), 'oauth'])
      answers.push([await call('/oauth/userinfo', { headers: { Authorization: `Bearer ${adminToken}` } }), 'oauth'])
      answers.push([await call(`/oauth/authorize?response_type=code&client_id=${client.clientId}`), 'page'])
      const query = JSON.stringify({ query: '{ viewer { username } }' })
      answers.push([
        await call('/graphql', {
          method: 'POST',
          headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' },
          body: query,
        }),
        'graphql',
      ])
      for (const [res, shape] of answers) await expectUnavailable(res, shape)
      // Requests in flight while the server shut down either finished or met the outage: never a 500.
      for (const res of whileStopping) expect([200, 503]).toContain(res.status)
      for (const res of [...whileStopping.filter((r) => r.status === 503), ...answers.map(([r]) => r)])
        expectOneQuietLine(logs, res)
      expect((await call('/readyz')).status).toBe(503)
      // The scrape still answers, so the outage can be seen.
      const scrape = await call('/metrics')
      expect(scrape.status).toBe(200)
      expect(await scrape.text()).toMatch(
        /^latchkey_http_requests_total\{[^}]*route="\/oauth\/token"[^}]*status="503"[^}]*\} [1-9]/m,
      )

      await pg.start()
      let status = 0
      // The pool replaces the connections the shutdown ended; allow it a few attempts.
      for (let i = 0; i < 40 && status !== 200; i++) {
        status = (await token()).status
        if (status !== 200) await Bun.sleep(250)
      }
      expect(status).toBe(200)
      expect((await call('/readyz')).status).toBe(200)
    },
    120_000,
  )
})
