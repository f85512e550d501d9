/**
 * @module
 * `--password-stdin`: a password from a pipe is read whole (one trailing newline dropped, as `echo`
 * or a here-string adds); on a terminal it is typed at a prompt with echo off, twice when it is new.
 */
import type { CliIO, Input } from './io.ts'
import { UsageError } from './args.ts'

const ENTER = new Set(['\r', '\n'])
const BACKSPACE = new Set(['\x7f', '\b'])
const CTRL_C = '\x03'
const CTRL_D = '\x04'

export async function readPassword(io: CliIO, prompt: string, { confirm = false } = {}): Promise<string> {
  if (!io.stdin.isTTY || !io.stdin.setRawMode || !io.stdin.chunks) {
    const text = (await io.stdin.text()).replace(/\r?\n$/, '')
    if (text === '')
      throw new UsageError(
        '--password-stdin: standard input is empty (pipe the password in, e.g. from a password manager)',
      )
    return text
  }
  const password = await typeHidden(io.stdin, io.stderr, `${prompt}: `)
  if (confirm && (await typeHidden(io.stdin, io.stderr, 'Repeat it: ')) !== password)
    throw new UsageError('the two passwords differ; nothing was changed')
  return password
}

/** Reads one line in raw mode, echoing nothing; Backspace edits, Ctrl-C and Ctrl-D abort. */
export async function typeHidden(stdin: Input, stderr: CliIO['stderr'], prompt: string): Promise<string> {
  // Echo goes off before the prompt shows, so nothing typed after it can appear on screen.
  stdin.setRawMode!(true)
  stderr.write(prompt)
  let typed = ''
  try {
    for await (const chunk of stdin.chunks!()) {
      for (const char of chunk) {
        if (ENTER.has(char)) return typed
        if (char === CTRL_C || char === CTRL_D) throw new UsageError('cancelled; nothing was changed')
        typed = BACKSPACE.has(char) ? typed.slice(0, -1) : typed + char
      }
    }
    throw new UsageError('standard input ended before the password was entered')
  } finally {
    stdin.setRawMode!(false)
    stderr.write('\n')
  }
}
