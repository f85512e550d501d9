/**
 * Issue 14 §2: `npm start` can be stopped by the PID npm has (what a process manager or `$!` holds)
 * and by the one the server prints: SIGTERM reaches the server, which drains and exits, and no
 * server process is left holding the port. (npm forwards SIGTERM to its child; the start script
 * `exec`s bun, so that child is the server itself, not a shell that would die alone.)
 */
import { describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { freePort } from '../helpers/server.ts'

const ROOT = resolve(import.meta.dir, '../..')

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

async function startNpm(dir: string) {
  const port = await freePort()
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !k.startsWith('LATCHKEY_') && !k.startsWith('npm_')) env[k] = v
  const npm = Bun.spawn(
    ['npm', 'start', '--silent', '--', '--db', join(dir, 'x.db'), '--host', '127.0.0.1', '--port', String(port)],
    { cwd: ROOT, env, stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' },
  )
  let output = ''
  const reading = Promise.all(
    [npm.stdout, npm.stderr].map(async (stream) => {
      const decoder = new TextDecoder()
      for await (const chunk of stream) output += decoder.decode(chunk, { stream: true })
    }),
  )
  // Waits for the "listening" line, however long a busy machine takes; the server names its pid there.
  while (!/"msg":"listening"/.test(output)) {
    if (npm.exitCode !== null) throw new Error(`npm start exited early:\n${output}`)
    await Bun.sleep(50)
  }
  const listening = JSON.parse(output.split('\n').find((l) => l.includes('"msg":"listening"'))!) as {
    pid: number
    url: string
  }
  expect(listening.url).toBe(`http://127.0.0.1:${port}`)
  expect((await fetch(`${listening.url}/healthz`)).status).toBe(200)
  return { npm, serverPid: listening.pid, url: listening.url, output: () => output, reading }
}

async function refused(url: string): Promise<boolean> {
  return fetch(`${url}/healthz`).then(
    () => false,
    () => true,
  )
}

describe.skipIf(!Bun.which('npm'))('issue 14 §2: npm start and signals', () => {
  for (const target of ['npm', 'server'] as const) {
    const who = target === 'npm' ? 'npm process' : 'server (as printed)'
    test(`SIGTERM to the pid of the ${who} stops the server and frees the port`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'latchkey-npm-start-'))
      const started = await startNpm(dir)
      try {
        process.kill(target === 'npm' ? started.npm.pid : started.serverPid, 'SIGTERM')
        await started.npm.exited
        // npm waits for its child, so once npm is gone the server must be gone too.
        expect(isAlive(started.serverPid)).toBe(false)
        expect(await refused(started.url)).toBe(true)
        await started.reading
        expect(started.output()).toContain('"msg":"stopped"')
      } finally {
        if (isAlive(started.serverPid)) process.kill(started.serverPid, 'SIGKILL')
        started.npm.kill('SIGKILL')
        await started.reading
        rmSync(dir, { recursive: true, force: true })
      }
    }, 120_000)
  }
})
