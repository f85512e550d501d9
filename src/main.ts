/** @module The `latchkey` command: argv → one of the CLI commands. Nothing imports this file. */
import { ConfigError } from './config.ts'
import { app } from './cli/app.ts'
import { backup } from './cli/backup.ts'
import { UsageError } from './cli/args.ts'
import { migrate } from './cli/migrate.ts'
import { scope } from './cli/scope.ts'
import { serve } from './cli/serve.ts'
import { token } from './cli/token.ts'
import { exportCommand, importCommand } from './cli/transfer.ts'
import { user } from './cli/user.ts'
import { DomainError } from './services/errors.ts'
import pkg from '../package.json' with { type: 'json' }

const HELP = `Usage: latchkey <command> [options]

An OAuth 2.0 and OpenID Connect provider in one binary.

Commands:
  serve      run the provider (HTTP)
  migrate    bring the database schema up to date
  user       create, list, disable users and set passwords
  app        create, list, show, rotate-secret, delete applications (OAuth clients)
  token      create personal access tokens
  scope      create, list, delete scopes; import a forge's preset (gitea, forgejo, gitea-legacy, gitlab)
  backup     write a consistent online backup of the SQLite database
  export     write users, apps, scopes, grants, keys and live tokens to a file (JSON lines)
  import     read such a file into a new database (e.g. SQLite → PostgreSQL)

Run \`latchkey <command> --help\` for the options of each command. --json gives stable output for scripts.`

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = { serve, migrate, user, app, token, scope, backup, export: exportCommand, import: importCommand }

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  if (!command || command === '--help' || command === '-h' || command === 'help') return void console.log(HELP), 0
  if (command === '--version' || command === '-v') return void console.log(pkg.version), 0
  const run = COMMANDS[command]
  if (!run) throw new UsageError(`unknown command: ${command}\n\n${HELP}`)
  return run(rest)
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError || error instanceof ConfigError || error instanceof DomainError) {
      console.error(`latchkey: ${error.message}`)
      process.exit(error instanceof UsageError ? 2 : 1)
    }
    console.error(`latchkey: unexpected error: ${(error as Error)?.message ?? String(error)}`)
    process.exit(1)
  },
)
