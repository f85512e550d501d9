/**
 * @module
 * Prometheus metrics, through prom-client (works under Bun and inside `bun build --compile`). One
 * Registry per provider, never the global one, so in-process tests do not share counters. Label
 * values are bounded: routes come from the routing table, error codes and grant types from the
 * protocol, statuses from HTTP.
 */
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client'
import { fastCounter, fastHistogram } from './metrics-series.ts'
import { storageUnavailable } from './store/faults.ts'

const PREFIX = 'latchkey_'
/** Seconds: from sub-millisecond token lookups to a slow Argon2id login. */
const HTTP_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]
const DB_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 0.5]

export interface Metrics {
  readonly contentType: string
  observeRequest(route: string, method: string, status: number, seconds: number): void
  tokenIssued(grantType: string): void
  oauthError(code: string): void
  /** Called by the store for every query (Kysely's log hook). */
  observeQuery(operation: string, seconds: number, failed: boolean): void
  /** The active-sessions gauge is computed on scrape by this callback. */
  setActiveSessions(count: () => Promise<number>): void
  /** Process metrics (CPU, memory, event-loop lag); only for the long-running server. */
  collectProcessMetrics(): void
  render(): Promise<string>
}

export function createMetrics(): Metrics {
  const registry = new Registry()
  const registers = [registry]
  const requests = fastCounter(registry, `${PREFIX}http_requests_total`, 'HTTP requests by route, method and status')
  const duration = fastHistogram(
    registry,
    `${PREFIX}http_request_duration_seconds`,
    'HTTP request latency by route, method and status',
    HTTP_BUCKETS,
  )
  const issued = fastCounter(registry, `${PREFIX}tokens_issued_total`, 'Successful token responses by grant type')
  const errors = fastCounter(registry, `${PREFIX}oauth_errors_total`, 'OAuth error responses by error code')
  const queries = fastHistogram(
    registry,
    `${PREFIX}db_query_duration_seconds`,
    'Database query latency by operation',
    DB_BUCKETS,
  )
  const queryErrors = fastCounter(
    registry,
    `${PREFIX}db_query_errors_total`,
    'Database queries that failed, by operation',
  )
  let countSessions: (() => Promise<number>) | undefined
  new Gauge({
    name: `${PREFIX}active_sessions`,
    help: 'Login sessions neither expired nor revoked (computed on scrape)',
    registers,
    async collect() {
      try {
        if (countSessions) this.set(await countSessions())
      } catch (e) {
        // During a database outage the scrape still answers (its 503s show in the request counters).
        if (!storageUnavailable(e)) throw e
      }
    },
  })
  let processMetrics = false

  return {
    contentType: registry.contentType,
    observeRequest(route, method, status, seconds) {
      const key = `${route} ${method} ${status}`
      const labels = () => ({ route, method, status: String(status) })
      requests.inc(key, labels)
      duration.observe(key, labels, seconds)
    },
    tokenIssued: (grantType) => issued.inc(grantType, () => ({ grant_type: grantType })),
    oauthError: (code) => errors.inc(code, () => ({ error: code })),
    observeQuery(operation, seconds, failed) {
      queries.observe(operation, () => ({ operation }), seconds)
      if (failed) queryErrors.inc(operation, () => ({ operation }))
    },
    setActiveSessions(count) {
      countSessions = count
    },
    collectProcessMetrics() {
      if (processMetrics) return
      processMetrics = true
      collectDefaultMetrics({ register: registry, prefix: PREFIX })
    },
    render: () => registry.metrics(),
  }
}
