/**
 * The `latchkey` command line run in-process (`runCli` with its own output buffers, stdin, environment
 * and folder): no binary, no process. `await using lk = await startCliServer()` adds an in-process
 * provider on a loopback port whose database every `lk.run` names.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CliIO, Input } from '../../src/cli/io.ts'
import { runCli } from '../../src/cli/run.ts'
import { type RunResult, runResult } from './binary.ts'
import { startServer } from './server.ts'

export interface CliOptions {
  /** What standard input holds (a pipe); none means empty. */
  stdin?: string | Input
  env?: Record<string, string>
  /** Relative paths are taken from here; by default a fresh temporary folder, removed afterwards. */
  cwd?: string
}

/** Runs `latchkey …args` in-process and collects the exit code and output. */
export async function cli(args: string[], options: CliOptions = {}): Promise<RunResult> {
  const scratch = options.cwd ? undefined : mkdtempSync(join(tmpdir(), 'latchkey-cli-'))
  let stdout = ''
  let stderr = ''
  const stdin: Input =
    typeof options.stdin === 'object'
      ? options.stdin
      : { isTTY: false, text: async () => (options.stdin as string) ?? '' }
  const io: CliIO = {
    stdout: {
      write: (t) => {
        stdout += t
      },
    },
    stderr: {
      write: (t) => {
        stderr += t
      },
    },
    stdin,
    env: options.env ?? {},
    cwd: options.cwd ?? scratch!,
  }
  try {
    const code = await runCli(args, io)
    return runResult(args, code, stdout, stderr)
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true })
  }
}

export interface CliServer extends AsyncDisposable {
  url: string
  /** Where the server's SQLite file is (or would be, on PostgreSQL). */
  db: string
  /** Runs a CLI command against the server's database (`--db`, and `--database-url` on PostgreSQL, are appended). */
  run(args: string[], stdin?: CliOptions['stdin']): Promise<RunResult>
}

/** An in-process provider on a free loopback port (see ./server.ts), with `run` for CLI commands on its database. */
export async function startCliServer(): Promise<CliServer> {
  const server = await startServer()
  const { db, databaseUrl } = server.config
  const store = ['--db', db, ...(databaseUrl ? ['--database-url', databaseUrl] : [])]
  return {
    url: server.url,
    db,
    run: (args, stdin) => cli([...args, ...store], { stdin }),
    [Symbol.asyncDispose]: () => server[Symbol.asyncDispose](),
  }
}
