import { openProvider } from '../provider.ts'
import { startServer } from '../http/server.ts'
import { parse } from './args.ts'
import { CONFIG_HELP, CONFIG_OPTIONS, configFrom } from './common.ts'

export const SERVE_HELP = `Usage: latchkey serve [--host H] [--port P] [--db FILE] [--issuer URL] [options]

Runs the provider: migrates the database, creates signing keys on first start, and serves
OAuth 2.0 / OpenID Connect on HTTP. Put TLS in front of it and set --issuer to the public URL.

${CONFIG_HELP}`

export async function serve(argv: string[]): Promise<number> {
  const { values } = parse(argv, CONFIG_OPTIONS)
  if (values.help) return void console.log(SERVE_HELP), 0
  const config = configFrom(values)
  const provider = await openProvider(config)
  const server = startServer(provider.app, config)
  provider.logger.log('info', 'listening', { url: `http://${server.hostname}:${server.port}`, issuer: config.issuer, db: config.db })
  const stop = async () => {
    await server.stop()
    await provider.close()
    process.exit(0)
  }
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
  await new Promise(() => {})
  return 0
}
