/**
 * Where a refresh rotation's CPU goes (not a unit test): in-process load on one database and on a
 * copy of it whose live-token counter triggers are dropped, alternating, so the triggers' share
 * of a rotation is measured beside the rotation as shipped (bench/README.md, "Where Latchkey is
 * still behind").
 *
 *   node_modules/.bin/bun bench/refresh-anatomy.ts [--rounds 3] [--requests 8000]
 *
 * Each variant serves `POST /oauth/token` (grant_type=refresh_token, client_secret_basic) through
 * the provider's own `fetch`, 32 requests in flight, with one-use refresh tokens minted ahead;
 * CPU per request is this process's user + system time over the timed requests. No HTTP server or
 * load generator shares the CPU, so the figures are lower than wrk's and only the ratio matters.
 */
import { Database } from 'bun:sqlite'
import { copyFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadConfig } from '../src/config.ts'
import { openProvider } from '../src/provider.ts'
import { mintLatchkey, prepareLatchkey } from './latchkey.ts'

const option = (name: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : undefined
}
const ROUNDS = Number(option('rounds') ?? 3)
const REQUESTS = Number(option('requests') ?? 8000)
const IN_FLIGHT = 32
const WARM_UP = 1600

const fixture = await prepareLatchkey(0, console.error)
const perRun = WARM_UP + REQUESTS
const feeds: string[][] = []
for (let i = 0; i < ROUNDS * 2; i++) feeds.push(await mintLatchkey(fixture, 'refresh', perRun))
await fixture.provider.close()

const withoutTriggers = join(fixture.dir, 'no-triggers.db')
copyFileSync(fixture.db, withoutTriggers)
for (const suffix of ['-wal', '-shm']) {
  try {
    copyFileSync(fixture.db + suffix, withoutTriggers + suffix)
  } catch {} // absent after a clean close
}
const raw = new Database(withoutTriggers)
for (const { name } of raw.query<{ name: string }, []>("select name from sqlite_master where type = 'trigger'").all()) raw.run(`drop trigger "${name}"`)
raw.close()

async function run(db: string, feed: string[]): Promise<number> {
  const config = loadConfig({ flags: { db, issuer: 'http://127.0.0.1', 'log-level': 'warn', metrics: 'off' }, env: {} })
  const provider = await openProvider(config, { logger: { log() {} } })
  let next = 0
  const one = async () => {
    const res = await provider.app.fetch(new Request('http://127.0.0.1/oauth/token', {
      method: 'POST',
      headers: { authorization: fixture.basicAuth, 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=refresh_token&refresh_token=${feed[next++]}`,
    }))
    if (res.status !== 200) throw new Error(`refresh answered ${res.status}: ${await res.text()}`)
    await res.arrayBuffer()
  }
  const load = (n: number) => Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    for (let i = 0; i < n / IN_FLIGHT; i++) await one()
  }))
  await load(WARM_UP)
  const before = process.cpuUsage()
  await load(REQUESTS)
  const used = process.cpuUsage(before)
  await provider.close()
  return (used.user + used.system) / REQUESTS
}

const results: Record<string, number[]> = { 'as shipped': [], 'counter triggers dropped': [] }
for (let round = 0; round < ROUNDS; round++) {
  results['as shipped']!.push(await run(fixture.db, feeds[round * 2]!))
  results['counter triggers dropped']!.push(await run(withoutTriggers, feeds[round * 2 + 1]!))
  console.error(`[bench] round ${round + 1}: ${Object.entries(results).map(([k, v]) => `${k} ${v.at(-1)!.toFixed(0)} µs`).join(', ')}`)
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
console.log(`Refresh rotation, in process, ${IN_FLIGHT} in flight, ${REQUESTS} requests per run, ${ROUNDS} alternating rounds (CPU µs per request):`)
for (const [name, xs] of Object.entries(results)) console.log(`  ${name.padEnd(26)} median ${median(xs).toFixed(0)} µs  (runs: ${xs.map((x) => x.toFixed(0)).join(', ')})`)
process.exit(0)
