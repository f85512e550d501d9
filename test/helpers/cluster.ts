/**
 * Several in-process providers sharing one store, each on its own loopback port, as instances
 * behind a load balancer would. On PostgreSQL (LATCHKEY_TEST_DATABASE_URL) they share one fresh
 * database; on SQLite, which is one instance per file by design, the "cluster" is one instance.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Clock } from '../../src/clock.ts'
import { loadConfig } from '../../src/config.ts'
import { startServer as listen } from '../../src/http/server.ts'
import { openProvider, type Provider } from '../../src/provider.ts'
import { createTestDatabase, onPostgres } from './database.ts'
import { freePort } from './server.ts'

export interface TestCluster extends AsyncDisposable {
  urls: string[]
  providers: Provider[]
  /** The instance a request number goes to, round robin, as a load balancer would send it. */
  url(n: number): string
}

export async function startCluster(options: {
  instances: number
  clock?: Clock
  config?: Record<string, unknown>
}): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-cluster-'))
  const pgdb = onPostgres ? await createTestDatabase() : undefined
  const count = pgdb ? options.instances : 1
  const ports: number[] = []
  for (let i = 0; i < count; i++) ports.push(await freePort())
  // One issuer for all, as behind a load balancer; the first instance's URL so pages' redirects resolve.
  const issuer = `http://127.0.0.1:${ports[0]}`
  const silent = { log() {} }
  const providers: Provider[] = []
  const servers: Array<ReturnType<typeof listen>> = []
  for (let i = 0; i < count; i++) {
    const flags = {
      db: join(dir, 'cluster.db'),
      ...(pgdb && { 'database-url': pgdb.url }),
      port: ports[i],
      host: '127.0.0.1',
      issuer,
      'log-level': 'silent',
      ...options.config,
    }
    const provider = await openProvider(loadConfig({ flags, env: {} }), { clock: options.clock, logger: silent })
    providers.push(provider)
    servers.push(listen(provider.app, provider.config))
  }
  const urls = servers.map((s) => `http://127.0.0.1:${s.port}`)
  return {
    urls,
    providers,
    url: (n) => urls[n % urls.length]!,
    async [Symbol.asyncDispose]() {
      for (const s of servers) await s.stop(true)
      for (const p of providers) await p.close()
      await pgdb?.drop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
