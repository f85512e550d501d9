/**
 * Issue 14 §6: a database that cannot be used right now is an outage, not a defect. Every endpoint
 * answers 503 with Retry-After (RFC 9110 §15.6.4) in its own shape (RFC 6749 §5.2
 * `temporarily_unavailable`, an HTML page, a GraphQL error code), logs one line per request with no
 * stack, and works again as soon as the database does. A real defect still answers 500 with its
 * stack in the log. Real faults only: another connection's lock, a full filesystem, a pool whose
 * every connection is held; PostgreSQL stopped under load is in postgres-outage.test.ts.
 */
import { Database as RawSqlite } from 'bun:sqlite'
import { describe, expect, test } from 'bun:test'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, openSync, rmSync, writeSync, closeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { csrfToken } from '../../src/crypto/csrf.ts'
import { SESSION_COOKIE } from '../../src/pages/handlers.ts'
import { onPostgres } from '../helpers/database.ts'
import { expectOneQuietLine, expectUnavailable, machineClient } from '../helpers/faults.ts'
import { postForm } from '../helpers/oauth.ts'
import { startServer, type TestServer } from '../helpers/server.ts'

const tokenRequest = (server: TestServer, client: Awaited<ReturnType<typeof machineClient>>) =>
  postForm(server.url, '/oauth/token', client, { grant_type: 'client_credentials', scope: 'read_user' })

describe('issue 14 §6: a defect is still a defect (500 or masked, logged with its stack)', () => {
  test('a missing table (not an outage) answers 500 server_error and logs its stack', async () => {
    await using server = await startServer()
    const client = await machineClient(server.provider.services)
    const db = server.db
    await sql`alter table access_tokens rename to access_tokens_away`.execute(db)
    try {
      const res = await tokenRequest(server, client)
      expect(res.status).toBe(500)
      expect(await res.json()).toMatchObject({ error: 'server_error' })
      const id = res.headers.get('x-request-id')!
      const unhandled = server.logs
        .map((l) => JSON.parse(l))
        .find((l) => l.msg === 'unhandled error' && l.request_id === id)
      expect(unhandled?.error).toMatch(/\n\s+at /)
    } finally {
      await sql`alter table access_tokens_away rename to access_tokens`.execute(db)
    }
    expect((await tokenRequest(server, client)).status).toBe(200)
  })
  test('a resolver defect in /graphql stays masked to the caller and is logged with its stack', async () => {
    await using server = await startServer()
    const { services } = server.provider
    const admin = await services.users.create({
      username: 'root',
      password: 'correct horse battery staple',
      isAdmin: true,
    })
    const adminToken = (await services.tokens.issuePersonal(admin.id, ['admin'], null)).token
    const db = server.db
    await sql`alter table audit_events rename to audit_events_away`.execute(db)
    try {
      const res = await gqlResponse(server, adminToken, '{ auditEvents(first: 1) { edges { cursor } } }')
      const body = (await res.json()) as { errors: Array<{ message: string; extensions: { code: string } }> }
      expect(body.errors[0]).toMatchObject({
        message: 'Unexpected error.',
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      })
      const id = res.headers.get('x-request-id')!
      const unhandled = server.logs
        .map((l) => JSON.parse(l))
        .find((l) => l.msg === 'unhandled error' && l.request_id === id)
      expect(unhandled?.error).toMatch(/audit_events[\s\S]*\n\s+at /)
    } finally {
      await sql`alter table audit_events_away rename to audit_events`.execute(db)
    }
  })
})

describe.skipIf(onPostgres)('issue 14 §6: SQLite faults (this pass runs on SQLite)', () => {
  test(
    'a database locked by another process (BEGIN EXCLUSIVE): ' +
      'writes answer 503 + Retry-After in every shape, one log line each; then recover',
    async () => {
      await using server = await startServer()
      const { services } = server.provider
      const client = await machineClient(services)
      const issued = (await (await tokenRequest(server, client)).json()) as { access_token: string }
      const admin = await services.users.create({
        username: 'root',
        password: 'correct horse battery staple',
        isAdmin: true,
      })
      const adminToken = (await services.tokens.issuePersonal(admin.id, ['admin'], null)).token
      const { cookieValue } = await services.sessions.start(admin, '127.0.0.1')
      // The app's own connection waits 100 ms for a lock instead of 5 s, so the test does not wait out the default.
      await sql`PRAGMA busy_timeout = 100`.execute(server.db)

      const holder = new RawSqlite(server.config.db)
      holder.exec('BEGIN EXCLUSIVE')
      const answers: Array<[Response, 'oauth' | 'page' | 'graphql']> = []
      try {
        // A small concurrent burst at the token endpoint (group commit batches it), then one of each shape.
        for (const res of await Promise.all(Array.from({ length: 8 }, () => tokenRequest(server, client))))
          answers.push([res, 'oauth'])
        answers.push([await postForm(server.url, '/oauth/revoke', client, { token: issued.access_token }), 'oauth'])
        answers.push([await postForm(server.url, '/oauth/authorize_device', client, { scope: 'read_user' }), 'oauth'])
        const logout = new URLSearchParams({ csrf_token: csrfToken(cookieValue) })
        answers.push([
          await fetch(`${server.url}/logout`, {
            method: 'POST',
            headers: { Cookie: `${SESSION_COOKIE}=${cookieValue}` },
            body: logout,
          }),
          'page',
        ])
        answers.push([
          await gqlResponse(
            server,
            adminToken,
            `mutation { createScope(input: { name: "x:fault", description: "d" }) { __typename } }`,
          ),
          'graphql',
        ])
        for (const [res, shape] of answers) await expectUnavailable(res, shape)
      } finally {
        holder.exec('ROLLBACK')
        holder.close()
      }
      for (const [res] of answers) expectOneQuietLine(server.logs, res)
      expect(server.logs.map((l) => JSON.parse(l).fault).filter(Boolean)).toContain('SQLITE_BUSY')
      expect((await tokenRequest(server, client)).status).toBe(200)
    },
  )

  const mounted = canMountTmpfs()
  const disk = mounted
    ? 'a 4 MiB tmpfs filled to the brim'
    : 'PRAGMA max_page_count: mounting a tmpfs is not permitted here'
  test(`a full disk (${disk}): token requests answer 503, never 500; then recover`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-full-'))
    // Room for a freshly migrated database and the WAL its migrations write (it grows with every
    // migration: 1 MiB stopped being enough at 2026_12_02_200); the filler takes whatever is left.
    if (mounted) mount(['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', dir])
    try {
      await using server = await startServer({ config: { db: join(dir, 'full.db') } })
      const client = await machineClient(server.provider.services)
      const filler = join(dir, 'filler')
      if (mounted) fillDisk(filler)
      else {
        const db = server.db
        const { page_count } = (await sql<{ page_count: number }>`PRAGMA page_count`.execute(db)).rows[0]!
        await sql.raw(`PRAGMA max_page_count = ${page_count}`).execute(db)
      }
      // Tokens fill the free space left in pages and in the WAL, then the database must grow and cannot.
      const answers: Response[] = []
      for (let i = 0; i < 400 && !answers.some((r) => r.status !== 200); i++)
        answers.push(await tokenRequest(server, client))
      const failed = answers.filter((r) => r.status !== 200)
      expect(failed.length).toBeGreaterThan(0)
      for (const res of [...failed, await tokenRequest(server, client)]) {
        await expectUnavailable(res, 'oauth')
        expectOneQuietLine(server.logs, res)
      }
      expect(server.logs.map((l) => JSON.parse(l).fault).filter(Boolean)[0]).toMatch(/^SQLITE_(FULL|IOERR)/)
      if (mounted) rmSync(filler)
      else await sql`PRAGMA max_page_count = 1073741823`.execute(server.db)
      expect((await tokenRequest(server, client)).status).toBe(200)
    } finally {
      if (mounted) mount(['-l', dir], 'umount')
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

async function gqlResponse(server: TestServer, token: string, query: string): Promise<Response> {
  return fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ query }),
  })
}

/** Root in a container may or may not hold CAP_SYS_ADMIN; try it once on a scratch folder. */
function canMountTmpfs(): boolean {
  const probe = mkdtempSync(join(tmpdir(), 'latchkey-mount-probe-'))
  try {
    if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'ignore' }).status !== 0)
      return false
    spawnSync('umount', [probe], { stdio: 'ignore' })
    return true
  } catch {
    return false
  } finally {
    rmSync(probe, { recursive: true, force: true })
  }
}

function mount(args: string[], command = 'mount'): void {
  const result = spawnSync(command, args, { encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${result.stderr}`)
}

/** Writes a file until the filesystem has no byte left. */
function fillDisk(path: string): void {
  const fd = openSync(path, 'w')
  try {
    for (const size of [64 * 1024, 4096, 512, 1]) {
      const chunk = Buffer.alloc(size)
      try {
        for (;;) writeSync(fd, chunk)
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e
      }
    }
  } finally {
    closeSync(fd)
  }
}

describe.skipIf(!onPostgres)('issue 14 §6: PostgreSQL pool exhausted (this pass runs on PostgreSQL)', () => {
  test('with every pooled connection held, ' +
    'a token request waits out the pool timeout (10 s) and answers 503, one quiet line; then succeeds', async () => {
    await using server = await startServer({ config: { dbPoolSize: 1 } })
    const client = await machineClient(server.provider.services)
    // Hold the pool's only connection while the request runs.
    const res = await server.db.connection().execute(() => tokenRequest(server, client))
    await expectUnavailable(res, 'oauth')
    expectOneQuietLine(server.logs, res)
    expect(server.logs.map((l) => JSON.parse(l).fault).filter(Boolean)).toEqual(['pool timeout'])
    expect((await tokenRequest(server, client)).status).toBe(200)
  }, 60_000)
})
