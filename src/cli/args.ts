/** @module Small helpers shared by the CLI commands: flag parsing, output, stdin. */
import { parseArgs, type ParseArgsConfig } from 'node:util'

export class UsageError extends Error {
  override name = 'UsageError'
}

export type Options = NonNullable<ParseArgsConfig['options']>

export function parse<O extends Options>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true })
  } catch (e) {
    throw new UsageError((e as Error).message)
  }
}

export function out(value: unknown, json: boolean, text: () => string): void {
  process.stdout.write(json ? JSON.stringify(value, null, 2) + '\n' : text() + '\n')
}

/** Reads a secret from stdin, dropping one trailing newline (as `echo` or a here-string adds). */
export async function readStdinSecret(): Promise<string> {
  const text = await Bun.stdin.text()
  return text.replace(/\r?\n$/, '')
}

export function requireFlag(value: unknown, flag: string): string {
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${flag} is required`)
  return value
}
