import { openProvider } from '../provider.ts'
import { startServer } from '../http/server.ts'
import { startMetricsServer } from '../http/ops.ts'
import { startPurger, type PurgeReport } from '../services/purge.ts'
import type { Logger } from '../http/logger.ts'
import { onShutdownSignals } from './shutdown.ts'
import { parse } from './args.ts'
import { CONFIG_HELP, CONFIG_OPTIONS, configFrom } from './common.ts'

export const SERVE_HELP = `Usage: latchkey serve [--host H] [--port P] [--db FILE] [--issuer URL] [options]

Runs the provider: migrates the database, creates signing keys on first start, and serves
OAuth 2.0 / OpenID Connect on HTTP. Put TLS in front of it and set --issuer to the public URL.
SIGTERM or SIGINT stops accepting, lets in-flight requests finish (--shutdown-timeout), and
closes the database. /healthz, /readyz and /metrics are for operators: see docs/operating.md.

${CONFIG_HELP}`

export async function serve(argv: string[]): Promise<number> {
  const { values } = parse(argv, CONFIG_OPTIONS)
  if (values.help) return void console.log(SERVE_HELP), 0
  const config = configFrom(values)
  const provider = await openProvider(config)
  const server = startServer(provider.app, config)
  const { logger, metrics } = provider
  const metricsServer = config.metrics !== 'off' && config.metricsPort !== undefined ? startMetricsServer(metrics, config) : undefined
  if (config.metrics !== 'off') metrics.collectProcessMetrics()
  const purger = config.purgeInterval > 0 ? startPurger(provider.services.purge, config.purgeInterval, logPurge(logger)) : undefined
  logger.log('info', 'listening', {
    url: `http://${server.hostname}:${server.port}`, issuer: config.issuer, db: config.db,
    metrics: metricsServer ? `http://${metricsServer.hostname}:${metricsServer.port}/metrics` : config.metrics,
  })
  onShutdownSignals({
    server, others: metricsServer ? [metricsServer] : [], logger, timeoutSeconds: config.shutdownTimeout,
    stopBackground: async () => purger?.stop(), closeStore: () => provider.close(), exit: (code) => process.exit(code),
  })
  await new Promise(() => {})
  return 0
}

function logPurge(logger: Logger) {
  return (r: PurgeReport | Error, ms: number) => {
    if (r instanceof Error) return logger.log('error', 'purge failed', { error: r.message, duration_ms: Math.round(ms) })
    const { batches, ...deleted } = r
    const total = Object.values(deleted).reduce((a, b) => a + b, 0)
    logger.log(total > 0 ? 'info' : 'debug', 'purge', { ...deleted, batches, duration_ms: Math.round(ms) })
  }
}
