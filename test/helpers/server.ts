/**
 * Starts a real provider on a free loopback port with a throw-away SQLite file, in-process, or a
 * fresh PostgreSQL database when LATCHKEY_TEST_DATABASE_URL is set (see ./database.ts).
 * `await using server = await startServer()` closes it and deletes the files (or the database).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Clock } from '../../src/clock.ts'
import { loadConfig, SETTINGS, type Config } from '../../src/config.ts'
import { startServer as listen } from '../../src/http/server.ts'
import { openProvider, type Provider } from '../../src/provider.ts'
import { createTestDatabase, onPostgres } from './database.ts'

export interface TestServer extends AsyncDisposable {
  url: string
  config: Config
  provider: Provider
  logs: string[]
}

/** `config` takes settings by their camelCase names (see SETTINGS in src/config.ts). */
export async function startServer(options: { config?: Record<string, unknown>; clock?: Clock } = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-test-'))
  const port = await freePort()
  const overrides = Object.fromEntries(Object.entries(options.config ?? {}).map(([k, v]) => [SETTINGS[k as keyof typeof SETTINGS]?.flag ?? k, v]))
  const pgdb = onPostgres ? await createTestDatabase() : undefined
  const config = loadConfig({ flags: { db: join(dir, 'test.db'), ...(pgdb && { 'database-url': pgdb.url }), port, host: '127.0.0.1', issuer: `http://127.0.0.1:${port}`, ...overrides }, env: {} })
  const logs: string[] = []
  const provider = await openProvider(config, { clock: options.clock, logger: { log: (level, msg, fields) => logs.push(JSON.stringify({ level, msg, ...fields })) } })
  const server = listen(provider.app, config)
  return {
    url: `http://127.0.0.1:${server.port}`,
    config,
    provider,
    logs,
    async [Symbol.asyncDispose]() {
      await server.stop(true)
      await provider.close()
      await pgdb?.drop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export async function freePort(): Promise<number> {
  const s = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response() })
  const port = s.port!
  await s.stop(true)
  return port
}

/** A clock tests can move forward. */
export function testClock(start = Math.floor(Date.now() / 1000)): Clock & { advance(seconds: number): void } {
  let now = start
  return { now: () => now, advance: (s) => void (now += s) }
}
