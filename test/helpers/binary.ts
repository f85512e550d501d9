/**
 * The compiled `latchkey` binary, built once per test process from the current sources, and
 * started as a real process on a free loopback port:
 * `await using lk = await startBinary()` kills it and deletes its temporary files.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createTestDatabase, onPostgres, type TestDatabase } from './database.ts'
import { freePort } from './server.ts'

const ROOT = resolve(import.meta.dir, '../..')
const BUILD_TIMEOUT_MS = 60_000
const START_TIMEOUT_MS = 15_000

export interface RunResult {
  code: number
  stdout: string
  stderr: string
  /** stdout parsed as JSON (throws when it is not JSON). */
  json<T = any>(): T
}

export interface RunOptions {
  stdin?: string
  env?: Record<string, string>
  cwd?: string
}

export interface RunningBinary extends AsyncDisposable {
  url: string
  port: number
  db: string
  /** The fresh PostgreSQL database it runs on when LATCHKEY_TEST_DATABASE_URL is set. */
  databaseUrl?: string
  dir: string
  /** stdout and stderr lines of the server process so far. */
  logs: string[]
  /** Runs a CLI command against the server's database (`--db`, and `--database-url` on PostgreSQL, are appended). */
  run(args: string[], stdin?: string): Promise<RunResult>
}

let built: Promise<string> | undefined
const BIN_DIR_PREFIX = 'latchkey-bin-'

/**
 * Builds `bun build --compile src/main.ts` into a temp dir once per process; resolves to its path.
 * `bun test` runs no exit hooks, so each run instead removes the binaries of test processes that
 * have ended (the folder name carries the pid).
 */
export function buildBinary(): Promise<string> {
  built ??= (async () => {
    removeStaleBinaries()
    const dir = join(tmpdir(), `${BIN_DIR_PREFIX}${process.pid}`)
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir)
    const outfile = join(dir, 'latchkey')
    const proc = Bun.spawn([process.execPath, 'build', '--compile', join(ROOT, 'src/main.ts'), '--outfile', outfile], { cwd: ROOT, stdout: 'pipe', stderr: 'pipe', timeout: BUILD_TIMEOUT_MS })
    const [code, stdout, stderr] = await Promise.all([proc.exited, new Response(proc.stdout).text(), new Response(proc.stderr).text()])
    if (code !== 0) throw new Error(`bun build --compile failed (${code}):\n${stdout}\n${stderr}`)
    return outfile
  })()
  return built
}

function removeStaleBinaries(): void {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(BIN_DIR_PREFIX)) continue
    const pid = Number(name.slice(BIN_DIR_PREFIX.length))
    if (!Number.isInteger(pid) || pid === process.pid || isAlive(pid)) continue
    rmSync(join(tmpdir(), name), { recursive: true, force: true })
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** The environment without the caller's LATCHKEY_* settings, so tests see only what they pass. */
function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('LATCHKEY_')) env[k] = v
  return { ...env, ...extra }
}

/** Runs the binary once with `args` and collects its exit code and output. */
export async function runBinary(args: string[], options: RunOptions = {}): Promise<RunResult> {
  const bin = await buildBinary()
  const scratch = options.cwd ? undefined : mkdtempSync(join(tmpdir(), 'latchkey-cwd-'))
  try {
    const proc = Bun.spawn([bin, ...args], {
      cwd: options.cwd ?? scratch,
      env: cleanEnv(options.env),
      stdin: options.stdin === undefined ? 'ignore' : new Blob([options.stdin]),
      stdout: 'pipe',
      stderr: 'pipe',
      timeout: 15_000,
    })
    const [code, stdout, stderr] = await Promise.all([proc.exited, new Response(proc.stdout).text(), new Response(proc.stderr).text()])
    return {
      code,
      stdout,
      stderr,
      json() {
        try {
          return JSON.parse(stdout)
        } catch {
          throw new Error(`latchkey ${args.join(' ')} did not print JSON (exit ${code}):\n${stdout}\n${stderr}`)
        }
      },
    }
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true })
  }
}

/**
 * Starts `latchkey serve` in an empty temporary folder on a free loopback port and waits until
 * discovery answers. The issuer is the loopback URL unless `args` sets another or `loopbackIssuer`
 * is false (then the binary's own configuration decides).
 */
export async function startBinary(options: { args?: string[]; env?: Record<string, string>; loopbackIssuer?: boolean } = {}): Promise<RunningBinary> {
  const bin = await buildBinary()
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-serve-'))
  const db = join(dir, 'x.db')
  const chosen = options.args?.includes('--database-url')
  const pgdb: TestDatabase | undefined = onPostgres && !chosen ? await createTestDatabase() : undefined
  const store = ['--db', db, ...(pgdb ? ['--database-url', pgdb.url] : [])]
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const extra = options.args ?? []
  const issuer = extra.includes('--issuer') || options.loopbackIssuer === false ? [] : ['--issuer', url]
  const proc = Bun.spawn([bin, 'serve', '--port', String(port), '--host', '127.0.0.1', ...store, ...issuer, ...extra], {
    cwd: dir,
    env: cleanEnv(options.env),
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
  })
  const logs: string[] = []
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder()
    let rest = ''
    for await (const chunk of stream) {
      const lines = (rest + decoder.decode(chunk, { stream: true })).split('\n')
      rest = lines.pop()!
      logs.push(...lines)
    }
    if (rest) logs.push(rest)
  }
  const drained = Promise.all([collect(proc.stdout), collect(proc.stderr)])
  const dispose = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM')
      const killer = setTimeout(() => proc.kill('SIGKILL'), 3000)
      await proc.exited
      clearTimeout(killer)
    }
    await drained
    await pgdb?.drop()
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    await waitUntilReady(url, proc, logs)
  } catch (e) {
    await dispose()
    throw e
  }
  return {
    url,
    port,
    db,
    ...(pgdb && { databaseUrl: pgdb.url }),
    dir,
    logs,
    run: (args, stdin) => runBinary([...args, ...store], { stdin, cwd: dir }),
    [Symbol.asyncDispose]: dispose,
  }
}

async function waitUntilReady(url: string, proc: Bun.Subprocess, logs: string[]): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS
  while (Date.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`latchkey serve exited (${proc.exitCode ?? proc.signalCode}):\n${logs.join('\n')}`)
    try {
      const res = await fetch(`${url}/.well-known/openid-configuration`)
      if (res.ok) return void (await res.arrayBuffer())
    } catch {
      // not listening yet
    }
    await Bun.sleep(50)
  }
  throw new Error(`latchkey serve did not answer within ${START_TIMEOUT_MS} ms:\n${logs.join('\n')}`)
}
