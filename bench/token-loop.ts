/**
 * The token endpoint (client_credentials) in process, for an A/B of two source trees without wrk or the
 * peer: `bun bench/token-loop.ts <source root> [seconds=3] [concurrency=16]` opens a provider on a fresh
 * SQLite file, warms up 1 s, then C callers post to app.fetch for S seconds; prints req/s and the
 * process CPU per request. Alternate the two trees over several rounds and compare medians (busy machine).
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
const [given = '.', secs = '3', conc = '16'] = process.argv.slice(2)
const root = resolve(given)
const { loadConfig } = await import(`${root}/src/config.ts`)
const { openProvider } = await import(`${root}/src/provider.ts`)
const { machineClient } = await import(`${root}/test/helpers/faults.ts`)
const dir = mkdtempSync(join(tmpdir(), 'actbench-'))
const config = loadConfig({
  flags: { db: join(dir, 'b.db'), port: 1, host: '127.0.0.1', issuer: 'http://127.0.0.1:1', 'log-level': 'warn' },
  env: {},
})
const p = await openProvider(config, { logger: { log: () => {} } })
const bot = await machineClient(p.services)
const auth = `Basic ${btoa(`${encodeURIComponent(bot.clientId)}:${encodeURIComponent(bot.secret!)}`)}`
const req = () =>
  p.app.fetch(
    new Request('http://127.0.0.1:1/oauth/token', {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    }),
  )
const statuses: Record<number, number> = {}
async function run(ms: number) {
  const end = performance.now() + ms
  let n = 0
  await Promise.all(
    Array.from({ length: Number(conc) }, async () => {
      while (performance.now() < end) {
        const r = await req()
        await r.arrayBuffer()
        statuses[r.status] = (statuses[r.status] ?? 0) + 1
        n++
      }
    }),
  )
  return n
}
await run(1000) // warm-up
for (const k of Object.keys(statuses)) delete statuses[Number(k)]
const cpu0 = process.cpuUsage()
const t0 = performance.now()
const n = await run(Number(secs) * 1000)
const elapsed = (performance.now() - t0) / 1000
const cpu = process.cpuUsage(cpu0)
console.log(
  JSON.stringify({
    root,
    rps: Math.round(n / elapsed),
    cpu_us_per_req: Math.round((cpu.user + cpu.system) / n),
    statuses,
  }),
)
await p.close()
