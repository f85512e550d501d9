/** @module The `latchkey` command: the real process handed to the CLI. Nothing imports this file. */
import { processIO } from './cli/io.ts'
import { runCli } from './cli/run.ts'

runCli(process.argv.slice(2), processIO()).then((code) => process.exit(code))
