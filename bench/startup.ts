/**
 * Startup (issue 5 target: first answer within 300 ms of starting on an existing database). Starts
 * `dist/latchkey serve` on a database made by a first start (migrated, signing keys created), polls
 * /healthz every 2 ms from the moment of spawn, and reports the time to the first 200; median of
 * `--starts` (default 10).
 *
 *   bun bench/startup.ts [--starts 10] [--skip-build] [--binary PATH] [--db FILE]
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { binary, freePort, log, machine, option, serve } from './binary.ts'

const STARTS = Number(option('starts') ?? 10)

async function timeOneStart(bin: string, db: string): Promise<number> {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}/healthz`
  const t0 = performance.now()
  const proc = Bun.spawn([bin, 'serve', '--port', String(port), '--db', db, '--log-level', 'warn'], {
    stdout: 'ignore',
    stderr: 'inherit',
  })
  try {
    for (;;) {
      const ok = await fetch(url)
        .then((r) => r.status === 200)
        .catch(() => false)
      if (ok) return performance.now() - t0
      if (proc.exitCode !== null) throw new Error(`latchkey exited with ${proc.exitCode}`)
      if (performance.now() - t0 > 20_000) throw new Error('no answer within 20 s')
      await Bun.sleep(2)
    }
  } finally {
    proc.kill()
    await proc.exited
  }
}

async function main(): Promise<void> {
  const bin = binary()
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-startup-'))
  const db = option('db') ?? join(dir, 'startup.db')
  try {
    if (!option('db')) await (await serve(bin, db)).stop() // the first start migrates and creates the signing keys
    const times: number[] = []
    for (let i = 0; i < STARTS; i++) {
      times.push(await timeOneStart(bin, db))
      log(`start ${i + 1}: ${times.at(-1)!.toFixed(0)} ms to the first 200 from /healthz`)
    }
    const sorted = [...times].sort((a, b) => a - b)
    const median =
      sorted.length % 2
        ? sorted[(sorted.length - 1) / 2]!
        : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2
    console.log(
      `Startup on an existing database: median ${median.toFixed(0)} ms to the first 200` +
        ` (min ${sorted[0]!.toFixed(0)}, max ${sorted.at(-1)!.toFixed(0)};` +
        ` ${STARTS} starts; target ≤ 300 ms). ${machine()}.`,
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
