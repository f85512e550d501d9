/** @module Flag parsing and help for the CLI commands: what a command accepts, and sentences when it is misused. */
import { parseArgs } from 'node:util'
import { nearest } from '../config.ts'

export { nearest }

export class UsageError extends Error {
  override name = 'UsageError'
}

export interface Flag {
  type: 'string' | 'boolean'
  multiple?: boolean
  short?: string
  /** The placeholder of its value in help, e.g. `URI`. */
  value?: string
  /** A string flag that may also be given bare (`--graphiql`), meaning `true`. */
  bare?: boolean
  help: string
}
export type Flags = Record<string, Flag>

type ValueOf<F extends Flag> = F['type'] extends 'boolean' ? boolean : F['multiple'] extends true ? string[] : string
export type Values<F extends Flags> = { [K in keyof F]?: ValueOf<F[K]> } & { help?: boolean }

export const HELP_FLAG = { help: { type: 'boolean', short: 'h', help: 'show this help' } } as const satisfies Flags
export const JSON_FLAG = { json: { type: 'boolean', help: 'print stable JSON for scripts' } } as const satisfies Flags

/**
 * Parses `argv` against `flags` (plus --help). Unknown options name the nearest known one, a
 * string option without a value says so, and a `bare` flag alone means `true`.
 */
export function parse<F extends Flags>(
  argv: string[],
  flags: F,
  maxPositionals = Infinity,
): { values: Values<F>; positionals: string[] } {
  const all: Flags = { ...flags, ...HELP_FLAG }
  const args = expandBare(argv, all)
  const options = Object.fromEntries(
    Object.entries(all).map(([name, f]) => [
      name,
      { type: f.type, ...(f.multiple && { multiple: true }), ...(f.short && { short: f.short }) },
    ]),
  )
  const { tokens } = parseArgs({ args, options, allowPositionals: true, strict: false, tokens: true })
  const seen = new Set<string>()
  for (const t of tokens) {
    if (t.kind !== 'option') continue
    const flag = all[t.name]
    if (!flag) throw new UsageError(unknownOption(t.rawName, Object.keys(all)))
    // Taking the last of two values silently would hide a mistake (a pasted line, a wrapper script's default).
    if (!flag.multiple && seen.has(t.name)) throw new UsageError(`--${t.name} is given twice; give it once`)
    seen.add(t.name)
    if (flag.type === 'string' && t.value === undefined)
      throw new UsageError(`${t.rawName} needs a value${flag.value ? ` (${t.rawName} ${flag.value})` : ''}`)
    if (flag.type === 'boolean' && t.value !== undefined) throw new UsageError(`${t.rawName} takes no value`)
  }
  const { values, positionals } = strictParse(args, options)
  if (!values.help && positionals.length > maxPositionals)
    throw new UsageError(
      `unexpected argument ${JSON.stringify(positionals[maxPositionals])}` +
        (maxPositionals === 0 ? ' (this command takes only options; quote values that contain spaces)' : ''),
    )
  return { values: values as Values<F>, positionals }
}

/** What the first pass let through: a value that starts with "-" (`--ttl -5`), said in one line. */
function strictParse(
  args: string[],
  options: NonNullable<Parameters<typeof parseArgs>[0]>['options'],
): { values: Record<string, unknown>; positionals: string[] } {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true })
  } catch (e) {
    const option = /'(--?[\w-]+)'/.exec((e as Error).message)?.[1]
    throw new UsageError(
      option
        ? `${option} needs a value; write one that starts with "-" as ${option}=VALUE`
        : (e as Error).message.split('\n')[0]!,
    )
  }
}

/**
 * `--graphiql` alone (last, or before another option) becomes `--graphiql=true`; `--graphiql false`
 * keeps its value.
 */
function expandBare(argv: string[], flags: Flags): string[] {
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--') return [...out, ...argv.slice(i)]
    const flag = arg.startsWith('--') && !arg.includes('=') ? flags[arg.slice(2)] : undefined
    const next = argv[i + 1]
    out.push(flag?.bare && (next === undefined || next.startsWith('-')) ? `${arg}=true` : arg)
  }
  return out
}

function unknownOption(raw: string, known: string[]): string {
  const near = nearest(raw.replace(/^-+/, ''), known)
  return `unknown option ${raw}${near ? `; did you mean --${near}?` : ''}`
}

/** The options block of a help text: one aligned line per flag. */
export function describeFlags(flags: Flags): string {
  const rows = Object.entries(flags).map(
    ([name, f]) => [`--${name}${f.value ? ` ${f.value}` : ''}${f.short ? `, -${f.short}` : ''}`, f.help] as const,
  )
  const width = Math.max(...rows.map(([left]) => left.length)) + 2
  return rows
    .map(([left, help]) => `  ${left.padEnd(width)}${help.replaceAll('\n', `\n  ${' '.repeat(width)}`)}`)
    .join('\n')
}

export function requireFlag(value: unknown, flag: string): string {
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${flag} is required`)
  return value
}
