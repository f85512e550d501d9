/**
 * Storage growth benchmark (not a unit test): issue 1,000,000 short-lived tokens, let them expire,
 * run the purger, and compare the database size and token lookup latency with the baseline.
 *
 *   node_modules/.bin/bun bench/storage-growth.ts [tokens=1000000]
 *
 * Tokens go in as access + refresh pairs (one refresh family each), written through the token
 * repository in transactions of 10,000 rows, with the same keys and fields the token service
 * writes. Lookups go through the token service (`findActive`: SHA-256, indexed select, owners).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '../src/config.ts'
import { newId } from '../src/crypto/ids.ts'
import { newToken, type TokenKind } from '../src/crypto/token-values.ts'
import { openProvider } from '../src/provider.ts'
import { PURGE_GRACE_SECONDS } from '../src/services/operations/purge.ts'
import { checkpoint, pageStats, vacuum } from '../src/store/maintenance.ts'
import { insertAccessToken, insertRefreshToken } from '../src/store/repositories/tokens.ts'

const TOTAL = Number(process.argv[2] ?? 1_000_000)
const TTL = 60
const BATCH = 10_000
const PROBES = 2_000

let now = Math.floor(Date.now() / 1000)
const clock = { now: () => now }
const dir = mkdtempSync(join(tmpdir(), 'latchkey-bench-'))
const dbPath = join(dir, 'bench.db')
const config = loadConfig({ flags: { db: dbPath }, env: {} })
const provider = await openProvider(config, { clock, logger: { log() {} } })
const { services } = provider
const db = provider.db

const user = await services.users.create({ username: 'bench', password: 'bench-password-1234' })
const { application } = await services.applications.create({
  name: 'Bench',
  redirectUris: ['https://bench.example/cb'],
  scopes: ['openid', 'read_user'],
})
const live: string[] = []
for (let i = 0; i < PROBES; i++)
  live.push(
    (
      await services.tokens.issue({
        application,
        userId: user.id,
        scopes: ['read_user'],
        withRefresh: false,
        authTime: now,
      })
    ).accessToken,
  )

async function measure(label: string) {
  await checkpoint(db)
  const bytes = statSync(dbPath).size
  const { pages, free, pageSize } = await pageStats(db)
  for (const token of live) await services.tokens.findActive(token) // warm the page cache and the JIT
  const times: number[] = []
  for (const token of live) {
    const t0 = performance.now()
    if (!(await services.tokens.findActive(token))) throw new Error('a live token stopped working')
    times.push((performance.now() - t0) * 1000)
  }
  times.sort((a, b) => a - b)
  const q = (p: number) => times[Math.floor(p * (times.length - 1))]!.toFixed(1)
  const rows = await db
    .selectFrom('access_tokens')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  console.log(
    `${label.padEnd(28)} file ${(bytes / 1048576).toFixed(1).padStart(7)} MiB` +
      `  free pages ${String(free).padStart(7)}/${pages} (${pageSize} B)` +
      `  access rows ${String(rows.n).padStart(8)}` +
      `  lookup p50 ${q(0.5)} µs  p99 ${q(0.99)} µs`,
  )
}

/** A token of the current format and its stored key (crypto/token-values.ts). */
function token(kind: TokenKind): { id: string; key: string; hint: string } {
  const id = newId()
  const { value, key } = newToken(kind, id)
  return { id, key, hint: value.slice(-4) }
}

async function flood(): Promise<number> {
  const started = performance.now()
  const pairs = TOTAL / 2
  for (let done = 0; done < pairs; done += BATCH) {
    await db.transaction().execute(async (trx) => {
      for (let i = 0; i < Math.min(BATCH, pairs - done); i++) {
        const family = newId()
        const access = token('access')
        const refresh = token('refresh')
        await insertAccessToken(trx, {
          id: access.id,
          token_hash: access.key,
          hint: access.hint,
          kind: 'oauth',
          application_id: application.id,
          user_id: user.id,
          scopes: 'read_user',
          family_id: family,
          authorization_code_id: null,
          created_at: now,
          expires_at: now + TTL,
          last_used_at: null,
          revoked_at: null,
        })
        await insertRefreshToken(trx, {
          id: refresh.id,
          token_hash: refresh.key,
          hint: refresh.hint,
          family_id: family,
          application_id: application.id,
          user_id: user.id,
          scopes: 'read_user',
          auth_time: now,
          authorization_code_id: null,
          created_at: now,
          expires_at: now + TTL,
          rotated_at: null,
          revoked_at: null,
        })
      }
    })
  }
  return (performance.now() - started) / 1000
}

console.log(
  `Latchkey storage growth: ${TOTAL.toLocaleString('en')} short-lived tokens (TTL ${TTL} s),` +
    ` purge batch ${config.purgeBatchSize}, Bun ${Bun.version}`,
)
await measure('baseline')
const insertSeconds = await flood()
console.log(`inserted ${TOTAL.toLocaleString('en')} tokens in ${insertSeconds.toFixed(1)} s`)
await measure('after issuing')
now += TTL + PURGE_GRACE_SECONDS + 1
const t0 = performance.now()
const report = await services.purge.run()
const purgeSeconds = (performance.now() - t0) / 1000
console.log(
  `purge: ${JSON.stringify(report)} in ${purgeSeconds.toFixed(1)} s` +
    ` (${Math.round((report.accessTokens + report.refreshTokens) / purgeSeconds).toLocaleString('en')} rows/s)`,
)
await measure('after purge')
const t1 = performance.now()
await vacuum(db)
console.log(`vacuum + wal_checkpoint(TRUNCATE) in ${((performance.now() - t1) / 1000).toFixed(1)} s`)
await measure('after vacuum')
await provider.close()
rmSync(dir, { recursive: true, force: true })
