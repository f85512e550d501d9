/**
 * Issue 14 §2: `--password-stdin` on a terminal prompts with echo off (twice, so a typo is caught);
 * from a pipe it reads the whole input as before. The terminal is a fake Input in-process, and once
 * a real pseudo-terminal (`script`) in front of `bun src/main.ts`.
 */
import { describe, expect, test } from 'bun:test'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Input } from '../../src/cli/io.ts'
import { cli, startCliServer } from '../helpers/cli.ts'
import { Browser } from '../helpers/browser.ts'

const SECRET = 'correct horse battery'

/** A terminal on which `typed` is entered, chunk by chunk; records raw mode changes. */
function terminal(...typed: string[]): Input & { rawMode: boolean[] } {
  const rawMode: boolean[] = []
  return {
    isTTY: true,
    rawMode,
    text: () => Promise.reject(new Error('a terminal is not read to its end')),
    setRawMode: (on) => void rawMode.push(on),
    async *chunks() {
      // Each prompt reads with its own iterator, as the real one does; hand out what is left.
      while (typed.length) yield typed.shift()!
    },
  }
}

describe('issue 14 §2: --password-stdin on a terminal', () => {
  test(
    'prompts on stderr with echo off, asks twice, and the password works at /login; it never ' +
      'appears in the output',
    async () => {
      await using lk = await startCliServer()
      const tty = terminal('correct horse', ' battery\r', 'correct horse batteryX\x7f\r')
      const r = await lk.run(['user', 'create', '--username', 'alice', '--password-stdin'], tty)
      expect(r.code).toBe(0)
      expect(r.stderr).toBe('Password for alice: \nRepeat it: \n')
      expect(r.stdout + r.stderr).not.toContain('horse')
      expect(tty.rawMode).toEqual([true, false, true, false])
      expect((await new Browser(lk.url).login('alice', SECRET)).status).toBe(303)
    },
  )

  test('two different entries, Ctrl-C or the end of input change nothing and create no database', async () => {
    for (const [typed, message] of [
      [['first password\r', 'second password\r'], 'the two passwords differ'],
      [['half\x03'], 'cancelled'],
      [['no enter'], 'ended before'],
    ] as const) {
      const dir = mkdtempSync(join(tmpdir(), 'latchkey-tty-'))
      try {
        const tty = terminal(...typed)
        const r = await cli(['user', 'create', '--username', 'alice', '--password-stdin'], { cwd: dir, stdin: tty })
        expect({ typed, code: r.code }).toEqual({ typed, code: 2 })
        expect(r.stderr).toContain(message)
        expect(tty.rawMode.at(-1)).toBe(false)
        expect(readdirSync(dir)).toEqual([])
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    }
  })

  test('from a pipe the password is read whole, one trailing newline dropped, with no prompt', async () => {
    await using lk = await startCliServer()
    const r = await lk.run(['user', 'create', '--username', 'bob', '--password-stdin'], `${SECRET}\n`)
    expect(r).toMatchObject({ code: 0, stderr: '' })
    expect((await new Browser(lk.url).login('bob', SECRET)).status).toBe(303)
  })

  test.skipIf(!Bun.which('script'))(
    'on a real pseudo-terminal nothing typed is echoed',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'latchkey-pty-'))
      try {
        const main = resolve(import.meta.dir, '../../src/main.ts')
        const command =
          `'${process.execPath}' '${main}' user create --username alice --password-stdin ` +
          `--db '${join(dir, 'x.db')}'`
        const proc = Bun.spawn(['script', '-qec', command, '/dev/null'], {
          stdin: 'pipe',
          stdout: 'pipe',
          stderr: 'pipe',
          env: { PATH: process.env.PATH ?? '', TERM: 'dumb' },
        })
        let screen = ''
        const reading = (async () => {
          const decoder = new TextDecoder()
          for await (const chunk of proc.stdout) screen += decoder.decode(chunk, { stream: true })
        })()
        // Waits for each prompt (echo is off before it shows), however slow the machine is.
        const prompt = async (text: string) => {
          while (!screen.includes(text)) {
            if (proc.exitCode !== null) throw new Error(`exited early:\n${screen}`)
            await Bun.sleep(20)
          }
        }
        await prompt('Password for alice: ')
        proc.stdin.write(`${SECRET}\r`)
        await proc.stdin.flush()
        await prompt('Repeat it: ')
        proc.stdin.write(`${SECRET}\r`)
        await proc.stdin.flush()
        expect(await proc.exited).toBe(0)
        await reading
        expect(screen).toContain('created user alice')
        expect(screen).not.toContain('horse')
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
    120_000,
  )
})
