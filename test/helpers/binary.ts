/**
 * The compiled `latchkey` binary, built once per test process from the current sources, and
 * started as a real process on a free loopback port:
 * `await using lk = await startBinary()` kills it and deletes its temporary files.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createTestDatabase, onPostgres, type TestDatabase } from './database.ts'
import { freePort } from './server.ts'

const ROOT = resolve(import.meta.dir, '../..')
// Generous bounds: they catch a hung process, not a slow machine.
const BUILD_TIMEOUT_MS = 120_000
const START_TIMEOUT_MS = 60_000
const CLI_TIMEOUT_MS = 60_000

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

/**
 * Builds `bun build --compile src/main.ts` once per test process into the run's temporary folder
 * (test/helpers/temp-root.ts deletes it when the run ends); resolves to its path.
 */
export function buildBinary(): Promise<string> {
  built ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-bin-'))
    const outfile = join(dir, 'latchkey')
    const proc = Bun.spawn([process.execPath, 'build', '--compile', join(ROOT, 'src/main.ts'), '--outfile', outfile], {
      cwd: ROOT,
      stdout: 'pipe',
      stderr: 'pipe',
      timeout: BUILD_TIMEOUT_MS,
    })
    const [code, stdout, stderr] = await Promise.all([
      proc.exited,
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
    ])
    if (code !== 0) throw new Error(`bun build --compile failed (${code}):\n${stdout}\n${stderr}`)
    return outfile
  })()
  return built
}

/**
 * One-shot CLI processes run at most this many at once, whatever a test asks for: each costs about
 * 0.35 s of CPU and 60 MB, and a shared 2-core machine must not be asked to start dozens together.
 */
const MAX_CLI_PROCESSES = 2
let running = 0
const waiting: (() => void)[] = []

async function withProcessSlot<T>(run: () => Promise<T>): Promise<T> {
  if (running >= MAX_CLI_PROCESSES) await new Promise<void>((resolve) => waiting.push(resolve))
  else running++
  try {
    return await run()
  } finally {
    const next = waiting.shift()
    if (next) next()
    else running--
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
  return withProcessSlot(() => runOnce(bin, args, options))
}

async function runOnce(bin: string, args: string[], options: RunOptions): Promise<RunResult> {
  const scratch = options.cwd ? undefined : mkdtempSync(join(tmpdir(), 'latchkey-cwd-'))
  try {
    const proc = Bun.spawn([bin, ...args], {
      cwd: options.cwd ?? scratch,
      env: cleanEnv(options.env),
      stdin: options.stdin === undefined ? 'ignore' : new Blob([options.stdin]),
      stdout: 'pipe',
      stderr: 'pipe',
      timeout: CLI_TIMEOUT_MS,
    })
    const [code, stdout, stderr] = await Promise.all([
      proc.exited,
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
    ])
    return runResult(args, code, stdout, stderr)
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true })
  }
}

/** What one `latchkey …args` run printed, binary or in-process; `json()` names the command when it is not JSON. */
export function runResult(args: string[], code: number, stdout: string, stderr: string): RunResult {
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
}

/**
 * Starts `latchkey serve` in an empty temporary folder on a free loopback port and waits until
 * discovery answers. The issuer is the loopback URL unless `args` sets another or `loopbackIssuer`
 * is false (then the binary's own configuration decides).
 */
export async function startBinary(
  options: { args?: string[]; env?: Record<string, string>; loopbackIssuer?: boolean } = {},
): Promise<RunningBinary> {
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
    if (proc.exitCode !== null || proc.signalCode !== null)
      throw new Error(`latchkey serve exited (${proc.exitCode ?? proc.signalCode}):\n${logs.join('\n')}`)
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
