/**
 * Git over HTTP behind real parts (issue 16): Debian's nginx with `auth_request` to a Latchkey
 * server, in front of `git http-backend` run by fcgiwrap. The nginx server block is the documented
 * one, docs/forward-auth-nginx.conf, with only its site values replaced (loopback HTTP instead of TLS,
 * paths inside a temporary folder, the Latchkey under test). `await using git = await startNginxGit(...)`
 * stops nginx and fcgiwrap and deletes the folder.
 *
 * `missingTools()` says what is not installed; the tests skip (or, in CI, fail) on it.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { type RunResult, runResult } from './binary.ts'
import { freePort } from './server.ts'

const ROOT = resolve(import.meta.dir, '../..')
export const NGINX_CONF = join(ROOT, 'docs/forward-auth-nginx.conf')
/**
 * The documented rules, which Latchkey reads as they are: nginx names the host from its server_name
 * (git.example.com), whatever Host the client sent.
 */
export const GIT_RULES = join(ROOT, 'docs/forward-auth-git-rules.json')
/** The bare repository every started server holds, with one commit on main. */
export const REPO = 'team/project.git'

// Generous bounds: they catch a hung process, not a slow machine.
const START_TIMEOUT_MS = 30_000
const STOP_TIMEOUT_MS = 10_000
const GIT_TIMEOUT_MS = 60_000
/** A unix socket path is at most 107 bytes on Linux. */
const MAX_SOCKET_PATH = 100

/** nginx, fcgiwrap and git, found on PATH or in Debian's sbin. */
function which(name: string): string | undefined {
  return Bun.which(name, { PATH: `${process.env.PATH ?? ''}:/usr/sbin:/sbin` }) ?? undefined
}

/** The programs this harness needs that are not installed (Debian: `apt-get install nginx fcgiwrap git`). */
export function missingTools(): string[] {
  const missing = ['nginx', 'fcgiwrap', 'git'].filter((name) => !which(name))
  if (!missing.includes('git') && !existsSync(httpBackend())) missing.push('git-http-backend')
  return missing
}

function httpBackend(): string {
  const out = Bun.spawnSync([which('git')!, '--exec-path'], { env: gitEnv(tmpdir()) })
  return join(out.stdout.toString().trim(), 'git-http-backend')
}

/**
 * The environment every git command runs in: no system or global configuration (so no credential
 * helper, no proxy, no askpass), never a prompt, a fixed identity for commits.
 */
export function gitEnv(home: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    LANG: 'C',
    LC_ALL: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_AUTHOR_NAME: 'Test Author',
    GIT_AUTHOR_EMAIL: 'author@example.com',
    GIT_COMMITTER_NAME: 'Test Author',
    GIT_COMMITTER_EMAIL: 'author@example.com',
  }
}

/** Runs `git …args` in `cwd` with `gitEnv` and collects its exit code and output. */
export async function git(args: string[], cwd: string): Promise<RunResult> {
  const proc = Bun.spawn([which('git') ?? 'git', ...args], {
    cwd,
    env: gitEnv(cwd),
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
    timeout: GIT_TIMEOUT_MS,
  })
  const [code, stdout, stderr] = await Promise.all([
    proc.exited,
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
  ])
  return runResult(['git', ...args], code, stdout, stderr)
}

/** Like `git`, but throws with git's output when it fails. */
export async function gitOk(args: string[], cwd: string): Promise<string> {
  const r = await git(args, cwd)
  if (r.code !== 0) throw new Error(`git ${args.join(' ')} exited ${r.code}:\n${r.stdout}\n${r.stderr}`)
  return r.stdout
}

/** One line of nginx's access log, in the harness's `latchkey` log format. */
export interface Access {
  method: string
  /** Path and query, as the client sent them. */
  uri: string
  status: number
  /** What Latchkey's Remote-User said, or '' when the request was refused. */
  user: string
}

export interface NginxGit extends AsyncDisposable {
  /** http://127.0.0.1:<port>, where git finds `${url}/${REPO}`. */
  url: string
  port: number
  /** The bare repository on disk (GIT_PROJECT_ROOT/REPO). */
  repo: string
  /** A scratch folder for clones; deleted with the rest. */
  work: string
  /** nginx's access log so far, one entry per client request. */
  accessLog(): Access[]
  /** nginx's error log (with git http-backend's stderr, which fcgiwrap -f forwards) and fcgiwrap's output. */
  diagnostics(): string
}

/**
 * The documented server block with this run's values in place of the site's; throws when one of the
 * values it replaces is no longer in the file, so the documentation cannot drift from what is tested.
 */
export function renderServerBlock(
  template: string,
  values: { port: number; socket: string; projectRoot: string; httpBackend: string; latchkey: string },
): string {
  const replacements: [RegExp | string, string][] = [
    [/ *# tls:[^\n]*\n[\s\S]*?# end tls\n/, `    listen 127.0.0.1:${values.port};\n`],
    ['/usr/lib/git-core/git-http-backend;', `${values.httpBackend};`],
    ['GIT_PROJECT_ROOT /srv/git;', `GIT_PROJECT_ROOT ${values.projectRoot};`],
    ['unix:/run/fcgiwrap.socket;', `unix:${values.socket};`],
    ['http://127.0.0.1:9000/', `${values.latchkey}/`],
  ]
  let out = template
  for (const [from, to] of replacements) {
    const count = typeof from === 'string' ? out.split(from).length - 1 : out.match(from) ? 1 : 0
    if (count !== 1) throw new Error(`${NGINX_CONF}: expected ${String(from)} once, found it ${count} times`)
    out = out.replace(from, to)
  }
  return out
}

/** The whole nginx.conf: everything nginx writes stays in `dir`; the server block is the documented one. */
function nginxConf(dir: string, serverBlock: string): string {
  // As root, nginx's workers would drop to `nobody`, who cannot enter the run's private temp folder
  // (mode 0700) nor open fcgiwrap's socket; as anyone else they run as the caller, and `user` is ignored.
  const user = process.getuid?.() === 0 ? 'user root;\n' : ''
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((kind) => `    ${kind}_temp_path ${join(dir, 'temp', kind)};`)
    .join('\n')
  return `${user}worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} info;
events { worker_connections 64; }
http {
    log_format latchkey '$request_method $request_uri $status "$latchkey_user"';
    access_log ${join(dir, 'access.log')} latchkey;
${temp}
${serverBlock}
}
`
}

interface Process {
  name: string
  proc: Bun.Subprocess<'ignore', 'pipe', 'pipe'>
  output: string[]
}

function spawn(cmd: string[], cwd: string): Process {
  const proc = Bun.spawn(cmd, { cwd, stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' })
  const output: string[] = []
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) output.push(new TextDecoder().decode(chunk))
  }
  void collect(proc.stdout)
  void collect(proc.stderr)
  return { name: cmd[0]!, proc, output }
}

const running = (p: Process) => p.proc.exitCode === null && p.proc.signalCode === null

async function stop(p: Process): Promise<void> {
  if (!running(p)) return
  p.proc.kill('SIGTERM')
  const killer = setTimeout(() => p.proc.kill('SIGKILL'), STOP_TIMEOUT_MS)
  await p.proc.exited
  clearTimeout(killer)
}

async function waitFor(what: string, ready: () => boolean | Promise<boolean>, procs: Process[]): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS
  while (Date.now() < deadline) {
    for (const p of procs) if (!running(p)) throw new Error(`${p.name} exited before ${what}:\n${p.output.join('')}`)
    if (await ready()) return
    await Bun.sleep(50)
  }
  throw new Error(`${what}: not within ${START_TIMEOUT_MS} ms`)
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

/** A bare repository with http.receivepack on and one commit on main, pushed from a scratch clone. */
async function seedRepository(projectRoot: string, scratch: string): Promise<string> {
  const repo = join(projectRoot, REPO)
  mkdirSync(repo, { recursive: true })
  await gitOk(['init', '--quiet', '--bare', '--initial-branch=main', repo], scratch)
  await gitOk(['config', 'http.receivepack', 'true'], repo)
  // A bare repository keeps no reflog by default; with one, a push records who made it (REMOTE_USER).
  await gitOk(['config', 'core.logAllRefUpdates', 'always'], repo)
  const seed = join(scratch, 'seed')
  await gitOk(['init', '--quiet', '--initial-branch=main', seed], scratch)
  writeFileSync(join(seed, 'README'), 'the team project\n')
  await gitOk(['add', 'README'], seed)
  await gitOk(['commit', '--quiet', '-m', 'first commit'], seed)
  await gitOk(['push', '--quiet', repo, 'main'], seed)
  rmSync(seed, { recursive: true, force: true })
  return repo
}

/**
 * Starts fcgiwrap on a unix socket and nginx on a free loopback port, in a fresh temporary folder,
 * with `auth_request` going to `latchkey` (an origin, e.g. http://127.0.0.1:PORT).
 */
export async function startNginxGit(options: { latchkey: string }): Promise<NginxGit> {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-nginx-git-'))
  const procs: Process[] = []
  const dispose = async () => {
    // nginx first: it stops sending requests to fcgiwrap before fcgiwrap goes.
    for (const p of procs.reverse()) await stop(p)
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    const socket = join(dir, 'fcgiwrap.sock')
    if (socket.length > MAX_SOCKET_PATH) throw new Error(`socket path too long for a unix socket: ${socket}`)
    const projectRoot = join(dir, 'git')
    const work = join(dir, 'work')
    mkdirSync(work)
    for (const kind of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'])
      mkdirSync(join(dir, 'temp', kind), { recursive: true })
    const repo = await seedRepository(projectRoot, work)

    // -f: git http-backend's stderr goes to nginx's error log, where a failing test shows it.
    const fcgiwrap = spawn([which('fcgiwrap')!, '-f', '-c', '1', '-s', `unix:${socket}`], dir)
    procs.push(fcgiwrap)
    await waitFor('fcgiwrap listening', () => existsSync(socket), [fcgiwrap])

    const port = await freePort()
    const serverBlock = renderServerBlock(readFileSync(NGINX_CONF, 'utf8'), {
      port,
      socket,
      projectRoot,
      httpBackend: httpBackend(),
      latchkey: options.latchkey,
    })
    const conf = join(dir, 'nginx.conf')
    writeFileSync(conf, nginxConf(dir, serverBlock))
    const nginx = spawn(
      [which('nginx')!, '-p', dir, '-c', conf, '-e', join(dir, 'error.log'), '-g', 'daemon off; master_process on;'],
      dir,
    )
    procs.push(nginx)
    await waitFor(`nginx listening on ${port}`, () => accepts(port), [fcgiwrap, nginx])

    const read = (name: string) => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8') : '')
    return {
      url: `http://127.0.0.1:${port}`,
      port,
      repo,
      work,
      accessLog: () =>
        read('access.log')
          .split('\n')
          .filter(Boolean)
          .map((line) => {
            const [, method, uri, status, user] = /^(\S+) (\S+) (\d+) "(.*)"$/.exec(line) ?? []
            return { method: method!, uri: uri!, status: Number(status), user: user! }
          }),
      diagnostics: () =>
        [
          `nginx error.log:\n${read('error.log')}`,
          `fcgiwrap:\n${fcgiwrap.output.join('')}`,
          `nginx:\n${nginx.output.join('')}`,
        ].join('\n'),
      [Symbol.asyncDispose]: dispose,
    }
  } catch (e) {
    await dispose()
    throw e
  }
}
