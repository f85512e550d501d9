/**
 * @module
 * The shape of a CLI command. A group (`user`, `app`, `scope`, `token`) is a table of subcommands;
 * each entry declares its flags, whether it may create a database, and a `prepare` step that checks
 * every argument (and reads stdin) before the database is opened, returning the work to do on it.
 * Adding a subcommand is adding one entry.
 */
import type { Provider } from '../provider.ts'
import { DomainError } from '../services/shared/errors.ts'
import { describeFlags, HELP_FLAG, JSON_FLAG, nearest, parse, UsageError, type Flags, type Values } from './args.ts'
import { configFrom, DATABASE_FLAGS, DATABASE_HELP, withProvider, type DatabaseAccess } from './common.ts'
import type { CliIO } from './io.ts'

/** A top-level command: arguments after its name → exit code. */
export type Command = (argv: string[], io: CliIO) => Promise<number>

/** Prints `value` as JSON with --json, else the text. */
export type Print = (value: unknown, text: () => string) => void

export type Action = (provider: Provider, print: Print) => Promise<void>

export interface Subcommand<F extends Flags = Flags> {
  /** What follows `latchkey <group> <name>` in the usage line. */
  usage: string
  /** One or two lines saying what it does. */
  summary: string
  /** Its own flags; --json, --help and the database flags are added to every subcommand. */
  flags: F
  /** The one positional argument it takes (e.g. `CLIENT_ID`), if any. */
  argument?: string
  database: DatabaseAccess
  /** Service input field → the flag (or argument) that sets it, so errors name what the user typed. */
  fields?: Record<string, string>
  /** Checks the arguments before anything is opened; returns the work to do on the database. */
  prepare(args: { values: Values<F>; positionals: string[]; io: CliIO }): Action | Promise<Action>
}

/** Keeps the flag types of one entry while the table holds them all. */
export function subcommand<F extends Flags>(definition: Subcommand<F>): Subcommand {
  return definition as unknown as Subcommand
}

/** Writes `text` as a line of standard output; the exit code of a command that only prints. */
export function printed(io: CliIO, text: string): number {
  io.stdout.write(`${text}\n`)
  return 0
}

export function printer(io: CliIO, json: boolean): Print {
  return (value, text) => io.stdout.write(json ? JSON.stringify(value, null, 2) + '\n' : text() + '\n')
}

/** `latchkey <name> <subcommand> …`: help for the group and each entry, then prepare → open → act. */
export function commandGroup(name: string, subcommands: Record<string, Subcommand>, notes = ''): Command {
  const help = groupHelp(name, subcommands, notes)
  return async (argv, io) => {
    const [sub, ...rest] = argv
    if (!sub || sub === '--help' || sub === '-h' || sub === 'help') return printed(io, help)
    const entry = Object.hasOwn(subcommands, sub) ? subcommands[sub]! : undefined
    if (!entry) {
      const near = nearest(sub, Object.keys(subcommands))
      throw new UsageError(
        `unknown command: ${name} ${sub}${near ? `; did you mean ${name} ${near}?` : ''} ` +
          `(${name} commands: ${Object.keys(subcommands).join(', ')})`,
      )
    }
    const flags = { ...entry.flags, ...JSON_FLAG, ...DATABASE_FLAGS }
    const { values, positionals } = parse(rest, flags, entry.argument ? 1 : 0)
    if (values.help) return printed(io, subcommandHelp(name, sub, entry, notes))
    await namingFlags(entry, async () => {
      const action = await entry.prepare({ values: values as never, positionals, io })
      await withProvider(configFrom(values, io), io, entry.database, (p) => action(p, printer(io, !!values.json)))
    })
    return 0
  }
}

/** A service error about `redirectUris.0` is reported as one about `--redirect-uri`. */
async function namingFlags(entry: Subcommand, run: () => Promise<void>): Promise<void> {
  try {
    await run()
  } catch (e) {
    if (e instanceof DomainError && e.field) {
      const flag = entry.fields?.[e.field.split('.')[0]!]
      if (flag)
        e.message = `${flag}: ${e.message.startsWith(`${e.field}: `) ? e.message.slice(e.field.length + 2) : e.message}`
    }
    throw e
  }
}

function usageLine(group: string, name: string, entry: Subcommand): string {
  return `${group} ${name}${entry.argument ? ` ${entry.argument}` : ''}${entry.usage ? ` ${entry.usage}` : ''}`
}

function groupHelp(name: string, subcommands: Record<string, Subcommand>, notes: string): string {
  const lines = Object.entries(subcommands).map(
    ([sub, entry]) =>
      `  ${usageLine(name, sub, entry).slice(name.length + 1)}\n      ${entry.summary.replaceAll('\n', '\n      ')}`,
  )
  return [
    `Usage: latchkey ${name} <command> [options]`,
    `Commands:\n${lines.join('\n')}`,
    notes,
    `Run \`latchkey ${name} <command> --help\` for the options of each command.`,
    DATABASE_HELP,
  ]
    .filter(Boolean)
    .join('\n\n')
}

function subcommandHelp(group: string, sub: string, entry: Subcommand, notes: string): string {
  const options = describeFlags({ ...entry.flags, ...JSON_FLAG, ...HELP_FLAG })
  return [
    `Usage: latchkey ${usageLine(group, sub, entry)}`,
    entry.summary,
    `Options:\n${options}`,
    notes,
    DATABASE_HELP,
  ]
    .filter(Boolean)
    .join('\n\n')
}

export interface Standalone<F extends Flags> {
  usage: string
  /** Paragraphs after the usage line. */
  summary: string
  /** Its own flags, shown under Options; `settings` are accepted and listed apart. */
  flags: F
  settings: { flags: Flags; help: string }
  run(args: { values: Values<F>; io: CliIO }): Promise<number>
}

/** A command without subcommands (`migrate`, `backup`, `serve` …): its help, then `run`. */
export function standalone<F extends Flags>(name: string, definition: Standalone<F>): Command {
  const { usage, summary, flags, settings } = definition
  const help = [
    `Usage: latchkey ${name} ${usage}`,
    summary,
    `Options:\n${describeFlags({ ...flags, ...HELP_FLAG })}`,
    settings.help,
  ].join('\n\n')
  return async (argv, io) => {
    const { values } = parse(argv, { ...flags, ...settings.flags }, 0)
    if (values.help) return printed(io, help)
    return definition.run({ values: values as Values<F>, io })
  }
}
