/**
 * Starts a provider with a throw-away SQLite file, or a fresh PostgreSQL database when
 * LATCHKEY_TEST_DATABASE_URL is set (see ./database.ts).
 * `await using server = await startServer()` closes it and deletes the files (or the database).
 *
 * By default no port is bound: `server.url` is an origin that the global `fetch` hands straight to
 * the app's fetch handler (see ./in-process.ts). Pass `socket: true` for suites that need a real
 * listener: interop libraries, raw TCP, other processes, or operations on the socket itself.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Clock } from '../../src/clock.ts'
import { loadConfig, SETTINGS, type Config } from '../../src/config.ts'
import { startServer as listen } from '../../src/http/server.ts'
import { openProvider, type Provider } from '../../src/provider.ts'
import type { Db } from '../../src/store/database.ts'
import type { ServiceDeps } from '../../src/services/index.ts'
import { createTestDatabase, onPostgres } from './database.ts'
import { mount, unusedPort } from './in-process.ts'

export interface TestServer extends AsyncDisposable {
  url: string
  config: Config
  provider: Provider
  /** The provider's own store connection (SQLite or PostgreSQL), for tests that look at rows directly. */
  db: Db
  logs: string[]
}

export interface ServerOptions {
  /** Settings by their camelCase names (see SETTINGS in src/config.ts). */
  config?: Record<string, unknown>
  clock?: Clock
  /** Bind a real loopback port instead of serving `fetch` in-process. */
  socket?: boolean
  /** Issue 18: the DNS answers the metadata document fetcher sees, instead of the system's. */
  resolveHost?: ServiceDeps['resolveHost']
}

/**
 * A migrated SQLite file with its first signing keys, made once per test process: migrating a fresh
 * file and generating keys takes ~125 ms, copying this one ~5 ms, and most servers need nothing else.
 * Servers with their own clock or database path start from an empty file, as a first start does.
 */
let template: Promise<string> | undefined
function migratedTemplate(): Promise<string> {
  template ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-template-'))
    // Under `bun test` the run's temp root removes it; scripts using these helpers (screenshots, load
    // time) have none, so the process removes it as it exits.
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }))
    const file = join(dir, 'template.db')
    const config = loadConfig({
      flags: { db: file, port: 1, host: '127.0.0.1', issuer: 'http://127.0.0.1:1' },
      env: {},
    })
    const provider = await openProvider(config, { logger: { log: () => {} } })
    await provider.close()
    return file
  })()
  return template
}

export async function startServer(options: ServerOptions = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-test-'))
  if (!onPostgres && options.clock === undefined && options.config?.db === undefined)
    copyFileSync(await migratedTemplate(), join(dir, 'test.db'))
  const port = options.socket ? await freePort() : unusedPort()
  const overrides = Object.fromEntries(
    Object.entries(options.config ?? {}).map(([k, v]) => [SETTINGS[k as keyof typeof SETTINGS]?.flag ?? k, v]),
  )
  const pgdb = onPostgres ? await createTestDatabase() : undefined
  const config = loadConfig({
    flags: {
      db: join(dir, 'test.db'),
      ...(pgdb && { 'database-url': pgdb.url }),
      port,
      host: '127.0.0.1',
      issuer: `http://127.0.0.1:${port}`,
      ...overrides,
    },
    env: {},
  })
  const logs: string[] = []
  const provider = await openProvider(config, {
    clock: options.clock,
    resolveHost: options.resolveHost,
    logger: { log: (level, msg, fields) => logs.push(JSON.stringify({ level, msg, ...fields })) },
  })
  const url = `http://127.0.0.1:${config.port}`
  const stop = options.socket ? socketStop(listen(provider.app, config)) : mount(url, provider.app)
  return {
    url,
    config,
    provider,
    db: provider.db,
    logs,
    async [Symbol.asyncDispose]() {
      await stop()
      await provider.close()
      await pgdb?.drop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

function socketStop(server: ReturnType<typeof listen>): () => Promise<void> {
  return () => server.stop(true)
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
  return {
    now: () => now,
    advance: (s) => {
      now += s
    },
  }
}
