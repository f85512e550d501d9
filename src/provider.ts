/**
 * @module
 * Opens a provider: the store (migrated), the services and the HTTP app, all from one Config.
 * Used by `latchkey serve`, by the CLI's management commands and by in-process tests.
 */
import { systemClock, type Clock } from './clock.ts'
import type { Config } from './config.ts'
import { createLogger, type Logger } from './http/logger.ts'
import { createApp, type App } from './http/server.ts'
import { createMetrics, type Metrics } from './metrics.ts'
import { createServices, type HandlerServices, type ServiceDeps } from './services/index.ts'
import type { Db } from './store/database.ts'
import { migrateToLatest } from './store/migrate.ts'
import { openStore, type Engine } from './store/open.ts'

/** How often the admin overview's counters (services/shared/activity.ts) are written to the store. */
export const ACTIVITY_FLUSH_SECONDS = 5

export interface Provider extends AsyncDisposable {
  config: Config
  /**
   * The services as every caller outside services/ sees them: without the store connection, which
   * stays here, beside them, for whoever opened the provider (operations and tests).
   */
  services: HandlerServices
  /** The store connection this provider opened (and closes). */
  db: Db
  app: App
  logger: Logger
  metrics: Metrics
  /** Which engine the store runs on (see store/open.ts). */
  engine: Engine
  close(): Promise<void>
}

export async function openProvider(
  config: Config,
  options: { clock?: Clock; logger?: Logger; resolveHost?: ServiceDeps['resolveHost'] } = {},
): Promise<Provider> {
  const metrics = createMetrics()
  const { db, engine } = openStore(config, config.metrics === 'off' ? {} : { onQuery: metrics.observeQuery })
  try {
    await migrateToLatest(db)
    const clock = options.clock ?? systemClock
    const services = createServices({ db, config, clock, resolveHost: options.resolveHost })
    await services.signingKeys.ensure()
    const logger = options.logger ?? createLogger(config.logLevel)
    metrics.setActiveSessions(() => services.health.activeSessions())
    // Issue 17: the overview's counters live in memory between flushes; a failed flush keeps them for the next.
    const flushActivity = () =>
      services.activity.flush().catch((error) => logger.log('warn', 'activity not written', { error: String(error) }))
    const flushing = setInterval(flushActivity, ACTIVITY_FLUSH_SECONDS * 1000)
    flushing.unref()
    const close = async () => {
      clearInterval(flushing)
      await flushActivity()
      await db.destroy()
    }
    return {
      config,
      services,
      db,
      logger,
      metrics,
      engine,
      app: createApp(services, config, clock, logger, metrics),
      close,
      [Symbol.asyncDispose]: close,
    }
  } catch (e) {
    await db.destroy()
    throw e
  }
}
