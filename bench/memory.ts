/**
 * Memory under sustained load (issue 5 target: resident memory under 150 MB through a 10-minute run,
 * with no upward trend). Starts the binary on a prepared database, drives it with one wrk (1 thread,
 * 32 connections) sending client_credentials, introspection and userinfo in turn (bench/wrk/mixed.lua),
 * samples VmRSS from /proc/<pid>/status every `--every` seconds, and reports the maximum and the
 * least-squares slope over the second half (MB per minute; a leak shows as a steady positive slope).
 *
 *   bun bench/memory.ts [--minutes 10] [--every 10] [--skip-build] [--binary PATH] [--out NAME]
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { binary, log, machine, option, RESULTS, serve } from './binary.ts'
import { prepareLatchkey } from './latchkey.ts'
import { parseWrk } from './wrk.ts'

const MINUTES = Number(option('minutes') ?? 10)
const EVERY = Number(option('every') ?? 10)
const OUT = option('out') ?? 'memory'

function rssMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
  return Number(kb ?? 0) / 1024
}

/** Least-squares slope of y over x. */
export function slope(points: Array<[number, number]>): number {
  const n = points.length
  if (n < 2) return NaN
  const mx = points.reduce((a, [x]) => a + x, 0) / n
  const my = points.reduce((a, [, y]) => a + y, 0) / n
  const num = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0)
  const den = points.reduce((a, [x]) => a + (x - mx) ** 2, 0)
  return num / den
}

async function main(): Promise<void> {
  const bin = binary()
  const fixture = await prepareLatchkey(0, log)
  await fixture.provider.close() // the binary is the only one using the file from here on
  const server = await serve(bin, fixture.db)
  const pid = server.proc.pid
  try {
    const seconds = Math.round(MINUTES * 60)
    const env = {
      ...process.env,
      BENCH_AUTH: fixture.basicAuth,
      BENCH_INTROSPECT: fixture.introspectToken,
      BENCH_USERINFO: fixture.userinfoToken,
    }
    const samples: Array<{ t: number; rssMb: number }> = [{ t: 0, rssMb: rssMb(pid) }]
    log(`idle RSS ${samples[0]!.rssMb.toFixed(1)} MB; ${MINUTES} min of mixed load, a sample every ${EVERY} s`)
    const started = performance.now()
    const wrk = Bun.spawn(
      [
        'wrk',
        '-t1',
        '-c32',
        `-d${seconds}s`,
        '--timeout',
        '10s',
        '--latency',
        '-s',
        join(import.meta.dir, 'wrk', 'mixed.lua'),
        server.url,
      ],
      { env, stdout: 'pipe', stderr: 'pipe' },
    )
    const out = new Response(wrk.stdout).text()
    while (wrk.exitCode === null) {
      await Promise.race([Bun.sleep(EVERY * 1000), wrk.exited])
      if (wrk.exitCode !== null) break
      const t = (performance.now() - started) / 1000
      samples.push({ t, rssMb: rssMb(pid) })
      log(`${t.toFixed(0)} s: RSS ${samples.at(-1)!.rssMb.toFixed(1)} MB`)
    }
    if ((await wrk.exited) !== 0) throw new Error(`wrk failed: ${await new Response(wrk.stderr).text()}`)
    const w = parseWrk(await out)
    const loaded = samples.slice(1)
    const max = Math.max(...loaded.map((s) => s.rssMb))
    const secondHalf = loaded.filter((s) => s.t >= seconds / 2)
    const perMinute = slope(secondHalf.map((s) => [s.t / 60, s.rssMb]))
    const md = [
      `# Memory under sustained load — ${new Date().toISOString()}`,
      '',
      `Command: \`bun bench/memory.ts ${process.argv.slice(2).join(' ')}\`. Machine: ${machine()}.`,
      `Load: wrk -t1 -c32 for ${MINUTES} min, client_credentials + introspection + userinfo in turn:` +
        ` ${w.requests.toLocaleString('en')} requests` +
        ` (${Math.round(w.rps).toLocaleString('en')} req/s, p99 ${w.p99Ms} ms, ${w.errors} errors).`,
      '',
      `RSS: idle ${samples[0]!.rssMb.toFixed(0)} MB,` +
        ` max **${max.toFixed(0)} MB** (target < 150 MB),` +
        ` last ${loaded.at(-1)!.rssMb.toFixed(0)} MB;` +
        ` slope over the second half **${perMinute >= 0 ? '+' : ''}${perMinute.toFixed(2)} MB/min**` +
        ` (${secondHalf.length} samples every ${EVERY} s).`,
    ].join('\n')
    writeFileSync(join(RESULTS, `${OUT}.md`), md + '\n')
    writeFileSync(
      join(RESULTS, `${OUT}.json`),
      JSON.stringify(
        {
          date: new Date().toISOString(),
          argv: process.argv.slice(2),
          machine: machine(),
          wrk: w,
          maxRssMb: max,
          slopeMbPerMinuteSecondHalf: perMinute,
          samples,
        },
        null,
        2,
      ) + '\n',
    )
    console.log(md)
  } finally {
    await server.stop()
    rmSync(fixture.dir, { recursive: true, force: true })
  }
}

await main()
