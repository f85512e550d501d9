import { describe, expect, test } from 'bun:test'
import { sql } from 'kysely'
import { Browser } from '../helpers/browser.ts'
import { seed } from '../helpers/fixtures.ts'
import { pkcePair, postForm } from '../helpers/oauth.ts'
import { startServer } from '../helpers/server.ts'

/** The value of one sample line of a Prometheus exposition, or undefined. */
function sample(text: string, line: string): number | undefined {
  const found = text.split('\n').find((l) => l.startsWith(line + ' '))
  return found === undefined ? undefined : Number(found.slice(line.length + 1))
}

describe('/healthz and /readyz', () => {
  test('healthz answers 200 ok; readyz answers 200 ready on a migrated database', async () => {
    await using server = await startServer()
    const live = await fetch(`${server.url}/healthz`)
    expect(live.status).toBe(200)
    expect(await live.json()).toEqual({ status: 'ok' })
    const ready = await fetch(`${server.url}/readyz`)
    expect(ready.status).toBe(200)
    expect(await ready.json()).toEqual({ status: 'ready' })
  })

  test('readyz answers 503 when the newest migration is missing, 200 again once it is back', async () => {
    await using server = await startServer()
    const db = server.db // the provider's own connection: SQLite or PostgreSQL
    const latest = (
      await sql<{ name: string }>`select name from kysely_migration order by name desc limit 1`.execute(db)
    ).rows[0]!.name
    await sql`delete from kysely_migration where name = ${latest}`.execute(db)
    const res = await fetch(`${server.url}/readyz`)
    expect(res.status).toBe(503)
    expect(await res.json()).toEqual({ status: 'not_ready', reason: 'database schema is not at the latest migration' })
    await sql`insert into kysely_migration (name, timestamp) values (${latest}, ${new Date().toISOString()})`.execute(
      db,
    )
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200)
  })

  test('readyz answers 503 when the database is closed, while healthz still answers 200', async () => {
    await using server = await startServer()
    await server.provider.close()
    const res = await fetch(`${server.url}/readyz`)
    expect(res.status).toBe(503)
    expect(await res.json()).toMatchObject({ reason: 'database is unreachable' })
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
  })

  test('probes are logged at debug level, other requests at info', async () => {
    await using server = await startServer()
    await fetch(`${server.url}/healthz`)
    await fetch(`${server.url}/.well-known/openid-configuration`)
    const lines = server.logs.map((l) => JSON.parse(l) as { level: string; route: string })
    expect(lines.find((l) => l.route === '/healthz')?.level).toBe('debug')
    expect(lines.find((l) => l.route === '/.well-known/openid-configuration')?.level).toBe('info')
  })
})

describe('/metrics', () => {
  test(
    'counts requests per route and status, tokens per grant type, ' + 'OAuth errors per code, sessions and queries',
    async () => {
      await using server = await startServer()
      const f = await seed(server.provider.services)
      const browser = new Browser(server.url)
      const { verifier, challenge } = pkcePair()
      const redirect = await browser.authorize({
        response_type: 'code',
        client_id: f.C1.clientId,
        redirect_uri: f.C1.redirectUri,
        scope: 'openid',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      })
      const code = redirect.searchParams.get('code')!
      const redeem = () =>
        postForm(server.url, '/oauth/token', f.C1, {
          grant_type: 'authorization_code',
          code,
          redirect_uri: f.C1.redirectUri,
          code_verifier: verifier,
        })
      expect((await redeem()).status).toBe(200)
      expect((await redeem()).status).toBe(400)
      const res = await fetch(`${server.url}/metrics`)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toStartWith('text/plain; version=0.0.4')
      const text = await res.text()
      expect(sample(text, 'latchkey_http_requests_total{route="/oauth/token",method="POST",status="200"}')).toBe(1)
      expect(sample(text, 'latchkey_http_requests_total{route="/oauth/token",method="POST",status="400"}')).toBe(1)
      expect(
        sample(text, 'latchkey_http_request_duration_seconds_count{route="/oauth/token",method="POST",status="200"}'),
      ).toBe(1)
      expect(sample(text, 'latchkey_tokens_issued_total{grant_type="authorization_code"}')).toBe(1)
      expect(sample(text, 'latchkey_oauth_errors_total{error="invalid_grant"}')).toBe(1)
      expect(sample(text, 'latchkey_active_sessions')).toBe(1)
      expect(sample(text, 'latchkey_db_query_duration_seconds_count{operation="select"}')).toBeGreaterThan(5)
      expect(sample(text, 'latchkey_db_query_duration_seconds_count{operation="insert"}')).toBeGreaterThan(1)
    },
  )

  test('unknown paths share one "unmatched" label, so scanners cannot grow the series', async () => {
    await using server = await startServer()
    for (const p of ['/a', '/b', '/wp-login.php']) await fetch(server.url + p)
    const text = await (await fetch(`${server.url}/metrics`)).text()
    expect(sample(text, 'latchkey_http_requests_total{route="unmatched",method="GET",status="404"}')).toBe(3)
    expect(text).not.toContain('wp-login')
  })

  test('loopback mode refuses a request that came through a proxy (X-Forwarded-For) with 404', async () => {
    await using server = await startServer()
    const res = await fetch(`${server.url}/metrics`, { headers: { 'X-Forwarded-For': '203.0.113.7' } })
    expect(res.status).toBe(404)
  })

  test.each([
    ['off', {}],
    ['on', { metricsPort: 0 }],
  ] as const)('--metrics %s (or a metrics port) removes /metrics from the main port', async (metrics, extra) => {
    await using server = await startServer({ config: { metrics, ...extra } })
    expect((await fetch(`${server.url}/metrics`)).status).toBe(404)
  })
})

describe('request ids', () => {
  test('a short safe X-Request-Id is echoed and logged; anything else is replaced by a fresh id', async () => {
    await using server = await startServer()
    const ok = await fetch(`${server.url}/healthz`, { headers: { 'X-Request-Id': 'lb-7f3a.42' } })
    expect(ok.headers.get('x-request-id')).toBe('lb-7f3a.42')
    for (const bad of ['x'.repeat(65), 'a b', 'id"}{', '']) {
      const res = await fetch(`${server.url}/healthz`, { headers: { 'X-Request-Id': bad } })
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
    }
    expect(server.logs.some((l) => (JSON.parse(l) as { request_id: string }).request_id === 'lb-7f3a.42')).toBe(true)
  })
})
