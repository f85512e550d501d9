/**
 * Preloaded by `bun test` (bunfig.toml): every temporary file a test run makes lives under one
 * folder, `latchkey-test-run-<pid>`, which is deleted when the run ends. Tests and the processes they
 * start find it as `os.tmpdir()` through TMPDIR. A run that was killed cannot clean up, so each run
 * first removes the folders of runs whose process is gone.
 */
import { afterAll } from 'bun:test'
import { mkdirSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const PREFIX = 'latchkey-test-run-'
const parent = tmpdir()

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function removeStaleRuns(): void {
  for (const name of readdirSync(parent)) {
    if (!name.startsWith(PREFIX)) continue
    const pid = Number(name.slice(PREFIX.length))
    if (Number.isInteger(pid) && pid !== process.pid && !isAlive(pid))
      rmSync(join(parent, name), { recursive: true, force: true })
  }
}

removeStaleRuns()
const root = join(parent, `${PREFIX}${process.pid}`)
mkdirSync(root, { recursive: true, mode: 0o700 })
process.env.TMPDIR = root
afterAll(() => rmSync(root, { recursive: true, force: true }))
