/**
 * A PostgreSQL cluster of the test's own, from Debian's binaries (the `postgresql` package that
 * .ci/run installs), in a temporary folder on a free loopback port, for tests that stop and start
 * the server under a running provider. Never the shared server of LATCHKEY_TEST_DATABASE_URL.
 * `await using pg = await startPrivatePostgres()` stops it and deletes its folder; a test file that
 * uses it also calls `stopLeftoverClusters` in afterAll, for a test that ended without disposing.
 */
import { spawnSync } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir, userInfo } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { freePort } from './server.ts'

/** The newest /usr/lib/postgresql/N/bin that holds initdb and pg_ctl, or undefined. */
export const POSTGRES_BIN: string | undefined = (() => {
  const root = '/usr/lib/postgresql'
  if (!existsSync(root)) return undefined
  const versions = readdirSync(root)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a))
  return versions
    .map((v) => join(root, v, 'bin'))
    .find((bin) => existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl')))
})()

export interface PrivatePostgres extends AsyncDisposable {
  url: string
  /** `pg_ctl stop -m fast`: sessions are ended (57P01) and new connections are refused. */
  stop(): Promise<void>
  start(): Promise<void>
}

/**
 * Where the cluster's folder goes. The server runs as another user (postgres), who cannot enter this
 * run's private temporary folder (temp-root.ts, mode 0700); the folder goes beside it, in the
 * system's temporary directory.
 */
function reachableTmpdir(): string {
  const dir = tmpdir()
  return basename(dir).startsWith('latchkey-test-run-') ? dirname(dir) : dir
}

/** Clusters started and not yet disposed, each with its immediate stop. */
const live = new Set<() => void>()

/** Stops and deletes every cluster a test left running (for afterAll). */
export function stopLeftoverClusters(): void {
  for (const stop of live) stop()
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  if (!POSTGRES_BIN) throw new Error('no initdb under /usr/lib/postgresql')
  const bin = POSTGRES_BIN
  const dir = mkdtempSync(join(reachableTmpdir(), `latchkey-pg-${process.pid}-`))
  // The server refuses to run as root: as root, run its tools as Debian's postgres user (as .ci/run does).
  const asRoot = userInfo().uid === 0
  const prefix = asRoot ? ['runuser', '-u', 'postgres', '--'] : []
  if (asRoot)
    chownSync(dir, Number(await output(['id', '-u', 'postgres'])), Number(await output(['id', '-g', 'postgres'])))
  const port = await freePort()
  const data = join(dir, 'data')
  const options =
    `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir}` +
    ' -c fsync=off -c synchronous_commit=off -c full_page_writes=off'
  const [command, ...ctl] = [...prefix, join(bin, 'pg_ctl'), '-D', data]
  const pgCtl = (...args: string[]) => run([command!, ...ctl, ...args])
  let running = false
  const stopNow = () => {
    live.delete(stopNow)
    spawnSync(command!, [...ctl, 'stop', '-m', 'immediate'], { stdio: 'ignore' })
    rmSync(dir, { recursive: true, force: true })
  }
  live.add(stopNow)
  const stop = async () => {
    if (!running) return
    await pgCtl('stop', '-m', 'fast', '-w')
    running = false
  }
  const start = async () => {
    await pgCtl('start', '-w', '-l', join(dir, 'server.log'), '-o', options)
    running = true
  }
  try {
    await run([
      ...prefix,
      join(bin, 'initdb'),
      '-D',
      data,
      '-U',
      'postgres',
      '--auth=trust',
      '--no-locale',
      '-E',
      'UTF8',
    ])
    await start()
  } catch (e) {
    stopNow()
    throw e
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop,
    start,
    async [Symbol.asyncDispose]() {
      live.delete(stopNow)
      if (running) await pgCtl('stop', '-m', 'immediate', '-w').catch(() => {})
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

async function run(cmd: string[]): Promise<string> {
  const proc = Bun.spawn(cmd, { stdout: 'pipe', stderr: 'pipe' })
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ])
  if (code !== 0) throw new Error(`${cmd.join(' ')} exited ${code}: ${(err || out).slice(-2000)}`)
  return out
}

const output = async (cmd: string[]) => (await run(cmd)).trim()
