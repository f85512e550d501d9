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
 *
 * A last run on the shipped database times every bun:sqlite call by SQL text (triggers run inside
 * the statement that fires them), to show how much of a rotation is SQLite's own work.
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
for (let i = 0; i < ROUNDS * 2 + 1; i++) feeds.push(await mintLatchkey(fixture, 'refresh', perRun))
await fixture.provider.close()

const withoutTriggers = join(fixture.dir, 'no-triggers.db')
copyFileSync(fixture.db, withoutTriggers)
for (const suffix of ['-wal', '-shm']) {
  try {
    copyFileSync(fixture.db + suffix, withoutTriggers + suffix)
  } catch {} // absent after a clean close
}
const raw = new Database(withoutTriggers)
for (const { name } of raw.query<{ name: string }, []>("select name from sqlite_master where type = 'trigger'").all())
  raw.run(`drop trigger "${name}"`)
raw.close()

/** Time inside bun:sqlite per SQL text, while `statementClock.on`; statements prepared from now on. */
const statementClock = { on: false, spent: new Map<string, { ns: number; calls: number }>() }
const prepare = Database.prototype.prepare
Database.prototype.prepare = function (this: Database, query: string, ...rest: never[]) {
  const statement = prepare.call(this, query, ...rest)
  const label = query.replace(/\s+/g, ' ').slice(0, 72)
  for (const method of ['all', 'get', 'run', 'values'] as const) {
    const original = statement[method].bind(statement) as (...args: unknown[]) => unknown
    ;(statement as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
      if (!statementClock.on) return original(...args)
      const started = Bun.nanoseconds()
      try {
        return original(...args)
      } finally {
        const entry = statementClock.spent.get(label) ?? { ns: 0, calls: 0 }
        entry.ns += Bun.nanoseconds() - started
        entry.calls++
        statementClock.spent.set(label, entry)
      }
    }
  }
  return statement
} as typeof prepare

async function run(db: string, feed: string[], timeStatements = false): Promise<number> {
  const config = loadConfig({ flags: { db, issuer: 'http://127.0.0.1', 'log-level': 'warn', metrics: 'off' }, env: {} })
  const provider = await openProvider(config, { logger: { log() {} } })
  let next = 0
  const one = async () => {
    const res = await provider.app.fetch(
      new Request('http://127.0.0.1/oauth/token', {
        method: 'POST',
        headers: { authorization: fixture.basicAuth, 'content-type': 'application/x-www-form-urlencoded' },
        body: `grant_type=refresh_token&refresh_token=${feed[next++]}`,
      }),
    )
    if (res.status !== 200) throw new Error(`refresh answered ${res.status}: ${await res.text()}`)
    await res.arrayBuffer()
  }
  const load = (n: number) =>
    Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        for (let i = 0; i < n / IN_FLIGHT; i++) await one()
      }),
    )
  await load(WARM_UP)
  statementClock.on = timeStatements
  const before = process.cpuUsage()
  await load(REQUESTS)
  const used = process.cpuUsage(before)
  statementClock.on = false
  await provider.close()
  return (used.user + used.system) / REQUESTS
}

const results: Record<string, number[]> = { 'as shipped': [], 'counter triggers dropped': [] }
for (let round = 0; round < ROUNDS; round++) {
  results['as shipped']!.push(await run(fixture.db, feeds[round * 2]!))
  results['counter triggers dropped']!.push(await run(withoutTriggers, feeds[round * 2 + 1]!))
  console.error(
    `[bench] round ${round + 1}: ${Object.entries(results)
      .map(([k, v]) => `${k} ${v.at(-1)!.toFixed(0)} µs`)
      .join(', ')}`,
  )
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
console.log(
  `Refresh rotation, in process, ${IN_FLIGHT} in flight, ${REQUESTS} requests per run,` +
    ` ${ROUNDS} alternating rounds (CPU µs per request):`,
)
for (const [name, xs] of Object.entries(results))
  console.log(
    `  ${name.padEnd(26)} median ${median(xs).toFixed(0)} µs  (runs: ${xs.map((x) => x.toFixed(0)).join(', ')})`,
  )

const timed = await run(fixture.db, feeds[ROUNDS * 2]!, true)
const perRequest = (ns: number) => (ns / 1000 / REQUESTS).toFixed(1).padStart(6)
let inSqlite = 0
console.log(
  `\nInside bun:sqlite, as shipped (one more run, ${timed.toFixed(0)} µs CPU per request in all), µs per request:`,
)
for (const [label, { ns, calls }] of [...statementClock.spent].sort((a, b) => b[1].ns - a[1].ns)) {
  inSqlite += ns
  console.log(`  ${perRequest(ns)}  ${String(calls).padStart(6)} calls  ${label}`)
}
console.log(`  ${perRequest(inSqlite)}  in all`)
process.exit(0)
