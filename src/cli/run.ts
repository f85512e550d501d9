/**
 * @module
 * The whole `latchkey` command line as one function: argv and the outside world in, exit code out.
 * src/main.ts calls it with the real process; tests call it in-process with their own buffers.
 */
import { ConfigError } from '../config.ts'
import { DomainError } from '../services/shared/errors.ts'
import { storageUnavailable } from '../store/faults.ts'
import pkg from '../../package.json' with { type: 'json' }
import { app } from './app.ts'
import { nearest, UsageError } from './args.ts'
import { backup } from './backup.ts'
import { printed, type Command } from './command.ts'
import type { CliIO } from './io.ts'
import { key } from './key.ts'
import { migrate } from './migrate.ts'
import { scope } from './scope.ts'
import { serve } from './serve.ts'
import { token } from './token.ts'
import { registrationToken } from './registration-token.ts'
import { exportCommand, importCommand } from './transfer.ts'
import { group } from './group.ts'
import { user } from './user.ts'

export const HELP = `Usage: latchkey <command> [options]

An OAuth 2.0 and OpenID Connect provider in one binary.

Commands:
  serve      run the provider (HTTP)
  migrate    bring the database schema up to date
  user       create, update, list, show, disable, enable, unlock, delete users; set passwords
  group      create, rename, describe, delete, list, show groups; add and remove members
  app        create, update, list, show, rotate-secret, delete applications (OAuth clients)
  token      create, list, revoke personal access tokens
  scope      create, update, list, delete scopes; import a forge's preset (gitea, forgejo, gitea-legacy, gitlab)
  key        list and rotate the signing keys
  backup     write a consistent online backup of the SQLite database
  export     write users, apps, scopes, grants, keys and live tokens to a file (JSON lines)
  import     read such a file into a new database (e.g. SQLite → PostgreSQL)
  registration-token
             create, list, revoke initial access tokens for client registration (RFC 7591)

Options:
  --help, -h       this help; \`latchkey <command> --help\` shows the options of each command
  --version, -v    print the version

--json gives stable output for scripts. Commands that only read or change existing rows never
create a database (or, on PostgreSQL, the Latchkey schema); the others say on stderr when they do.`

const COMMANDS: Record<string, Command> = {
  serve,
  migrate,
  user,
  group,
  app,
  token,
  scope,
  key,
  backup,
  export: exportCommand,
  import: importCommand,
  'registration-token': registrationToken,
}

/** Runs one command line; every failure becomes a sentence on stderr and a non-zero exit code (2: usage). */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  try {
    const [command, ...rest] = argv
    if (!command || command === '--help' || command === '-h' || command === 'help') return printed(io, HELP)
    if (command === '--version' || command === '-v') return printed(io, pkg.version)
    const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command]! : undefined
    if (!run) {
      const near = nearest(command, Object.keys(COMMANDS))
      throw new UsageError(`unknown command: ${command}${near ? `; did you mean ${near}?` : `\n\n${HELP}`}`)
    }
    return await run(rest, io)
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError || error instanceof DomainError) {
      io.stderr.write(`latchkey: ${error.message}\n`)
      return error instanceof UsageError ? 2 : 1
    }
    // A lock or outage the command did not name its database for (see busy() in common.ts) is still not a bug.
    const fault = storageUnavailable(error)
    if (fault) {
      io.stderr.write(`latchkey: the database is busy or unavailable (${fault.reason}); try again in a moment\n`)
      return 1
    }
    io.stderr.write(`latchkey: unexpected error: ${(error as Error)?.message ?? String(error)}\n`)
    return 1
  }
}
