import type { Server } from 'bun'
import { lookup } from 'node:dns/promises'
import { isIP } from 'node:net'
import type { Config } from '../config.ts'
import { ConfigError } from '../config.ts'
import { openProvider, type Provider } from '../provider.ts'
import { startServer } from '../http/server.ts'
import { startMetricsServer } from '../http/ops.ts'
import { startPurger, type PurgeReport } from '../services/operations/purge.ts'
import type { Logger } from '../http/logger.ts'
import { onShutdownSignals } from './shutdown.ts'
import { standalone } from './command.ts'
import { checkDatabase, configFrom, naming, SERVER_FLAGS, SERVER_HELP } from './common.ts'

export const serve = standalone('serve', {
  usage: '[--host H] [--port P] [--db FILE] [--issuer URL] [settings]',
  summary: `Runs the provider: migrates the database (creating it if there is none yet), creates signing keys
on first start, and serves OAuth 2.0 / OpenID Connect on HTTP. Put TLS in front of it and set
--issuer to the public URL. SIGTERM or SIGINT stops accepting, lets in-flight requests finish
(--shutdown-timeout), and closes the database; the "listening" line names the pid to signal.
/healthz, /readyz and /metrics are for operators: see docs/operating.md.
First run: while the database has no account, each start prints a one-time setup link (valid one
hour; a restart makes a new one and ends the old) where the first administrator is created in the
browser. \`latchkey user create --admin\` works as well.`,
  flags: {},
  settings: { flags: SERVER_FLAGS, help: SERVER_HELP },
  async run({ values, io }) {
    const config = configFrom(values, io)
    await resolves(config.host, '--host / LATCHKEY_HOST')
    if (config.metrics !== 'off' && config.metricsPort !== undefined)
      await resolves(config.metricsHost, '--metrics-host / LATCHKEY_METRICS_HOST')
    // Serve's output is JSON log lines, so what checkDatabase notices is logged, not printed.
    const notices = await checkDatabase(config, 'create')
    const provider = await naming(config, () => openProvider(config))
    const { logger, metrics } = provider
    for (const { level, msg, fields } of notices) logger.log(level, msg, fields)
    let server: Server<unknown> | undefined
    let metricsServer: Server<unknown> | undefined
    try {
      server = listen('--host / LATCHKEY_HOST and --port / LATCHKEY_PORT', config.host, config.port, () =>
        startServer(provider.app, config),
      )
      if (config.metrics !== 'off' && config.metricsPort !== undefined)
        metricsServer = listen(
          '--metrics-host / LATCHKEY_METRICS_HOST and --metrics-port / LATCHKEY_METRICS_PORT',
          config.metricsHost,
          config.metricsPort,
          () => startMetricsServer(metrics, config),
        )
    } catch (e) {
      await server?.stop(true)
      await provider.close()
      throw e
    }
    if (config.metrics !== 'off') metrics.collectProcessMetrics()
    const purger =
      config.purgeInterval > 0
        ? startPurger(provider.services.purge, config.purgeInterval, logPurge(logger))
        : undefined
    logger.log('info', 'listening', {
      url: `http://${server.hostname}:${server.port}`,
      issuer: config.issuer,
      db: describeDb(config),
      pid: process.pid,
      metrics: metricsServer ? `http://${metricsServer.hostname}:${metricsServer.port}/metrics` : config.metrics,
    })
    await announceSetup(provider, logger)
    onShutdownSignals({
      server,
      others: metricsServer ? [metricsServer] : [],
      logger,
      timeoutSeconds: config.shutdownTimeout,
      stopBackground: async () => purger?.stop(),
      closeStore: () => provider.close(),
      exit: (code) => process.exit(code),
    })
    await new Promise(() => {})
    return 0
  },
})

/**
 * Issue 17, first run: on a database without any account, a one-time link (valid one hour) where the
 * first administrator is created in the browser. Each start makes a new link and ends the previous
 * one; with any account, none is made. The link is logged once, here, on the start-up output; the
 * request log names paths only, so its token appears nowhere else.
 */
export async function announceSetup(provider: Provider, logger: Logger): Promise<void> {
  const link = await provider.services.links.makeSetup()
  if (link)
    logger.log('info', 'first run: open this link to create the first administrator (valid one hour, once)', {
      setup_url: link.url,
      expires_at: new Date(link.expiresAt * 1000).toISOString(),
    })
}

/** A host name to listen on must resolve; said before the database is opened, rather than as a failed listen. */
async function resolves(host: string, setting: string): Promise<void> {
  if (isIP(host) !== 0) return
  try {
    await lookup(host)
  } catch {
    throw new ConfigError(`the host name ${host} does not resolve (${setting}); give an IP address or a known name`)
  }
}

/** Binds a listener; an address that cannot be used is named with the settings that chose it. */
function listen(settings: string, host: string, port: number, start: () => Server<unknown>): Server<unknown> {
  try {
    return start()
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw new ConfigError(
      `cannot listen on ${host}:${port} (${settings}): ` +
        (code === 'EADDRINUSE' ? 'the port is in use' : (e as Error).message),
    )
  }
}

function describeDb(config: Config): string {
  return config.databaseUrl?.startsWith('postgres') ? 'postgresql' : (config.databaseUrl ?? config.db)
}

function logPurge(logger: Logger) {
  return (r: PurgeReport | Error, ms: number) => {
    if (r instanceof Error)
      return logger.log('error', 'purge failed', { error: r.message, duration_ms: Math.round(ms) })
    const { batches, ...deleted } = r
    const total = Object.values(deleted).reduce((a, b) => a + b, 0)
    logger.log(total > 0 ? 'info' : 'debug', 'purge', { ...deleted, batches, duration_ms: Math.round(ms) })
  }
}
