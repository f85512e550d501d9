/**
 * @module
 * Starting the compiled binary for the single-server measurements (login flood, startup, memory):
 * a free loopback port, `serve` on a given database file, and a wait for /healthz.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'

export const ROOT = join(import.meta.dir, '..')
export const RESULTS = join(import.meta.dir, 'results')

export function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`)
  return i < 0 ? undefined : process.argv[i + 1]
}

export const log = (s: string) => console.error(`[bench] ${s}`)

/** dist/latchkey (built first unless --skip-build), or --binary PATH. */
export function binary(): string {
  const given = option('binary')
  if (given) return given
  const path = join(ROOT, 'dist', 'latchkey')
  if (!process.argv.includes('--skip-build')) {
    log('building dist/latchkey')
    const b = Bun.spawnSync(['npm', 'run', 'build'], { cwd: ROOT, stdout: 'ignore', stderr: 'inherit' })
    if (b.exitCode !== 0) throw new Error('npm run build failed')
  }
  if (!existsSync(path)) throw new Error(`${path} does not exist: npm run build`)
  return path
}

export async function freePort(): Promise<number> {
  const s = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response() })
  const port = s.port!
  await s.stop(true)
  return port
}

export interface Served {
  proc: Bun.Subprocess
  url: string
  stop(): Promise<void>
}

export async function serve(
  bin: string,
  db: string,
  extra: string[] = [],
  stderr: 'inherit' | 'ignore' = 'inherit',
): Promise<Served> {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const proc = Bun.spawn(
    [bin, 'serve', '--port', String(port), '--db', db, '--issuer', url, '--log-level', 'warn', ...extra],
    { stdout: stderr, stderr },
  )
  for (let i = 0; i < 200; i++) {
    if (
      await fetch(`${url}/healthz`)
        .then((r) => r.ok)
        .catch(() => false)
    ) {
      return {
        proc,
        url,
        stop: async () => {
          proc.kill()
          await proc.exited
        },
      }
    }
    if (proc.exitCode !== null) break
    await Bun.sleep(50)
  }
  proc.kill()
  throw new Error('Latchkey did not start')
}

export function machine(): string {
  const os = require('node:os') as typeof import('node:os')
  return `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown'}, load average ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')} at start; Bun ${Bun.version}`
}
