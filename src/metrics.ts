/**
 * @module
 * Prometheus metrics, through prom-client (works under Bun and inside `bun build --compile`). One
 * Registry per provider, never the global one, so in-process tests do not share counters. Label
 * values are bounded: routes come from the routing table, error codes and grant types from the
 * protocol, statuses from HTTP.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

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
  const labelsOf = ['route', 'method', 'status'] as const
  const requests = new Counter({ name: `${PREFIX}http_requests_total`, help: 'HTTP requests by route, method and status', labelNames: labelsOf, registers })
  const duration = new Histogram({ name: `${PREFIX}http_request_duration_seconds`, help: 'HTTP request latency by route, method and status', labelNames: labelsOf, buckets: HTTP_BUCKETS, registers })
  const issued = new Counter({ name: `${PREFIX}tokens_issued_total`, help: 'Successful token responses by grant type', labelNames: ['grant_type'], registers })
  const errors = new Counter({ name: `${PREFIX}oauth_errors_total`, help: 'OAuth error responses by error code', labelNames: ['error'], registers })
  const queries = new Histogram({ name: `${PREFIX}db_query_duration_seconds`, help: 'Database query latency by operation', labelNames: ['operation'], buckets: DB_BUCKETS, registers })
  const queryErrors = new Counter({ name: `${PREFIX}db_query_errors_total`, help: 'Database queries that failed, by operation', labelNames: ['operation'], registers })
  // Bound children per label set (the sets are bounded, see above): prom-client otherwise hashes
  // the label object on every observation, a visible cost on the token path.
  const requestSeries = new Map<string, { count: { inc(): void }; duration: { observe(v: number): void } }>()
  const querySeries = new Map<string, { observe(v: number): void }>()
  const issuedSeries = new Map<string, { inc(): void }>()
  const errorSeries = new Map<string, { inc(): void }>()
  let countSessions: (() => Promise<number>) | undefined
  new Gauge({
    name: `${PREFIX}active_sessions`,
    help: 'Login sessions neither expired nor revoked (computed on scrape)',
    registers,
    async collect() {
      if (countSessions) this.set(await countSessions())
    },
  })
  let processMetrics = false

  return {
    contentType: registry.contentType,
    observeRequest(route, method, status, seconds) {
      const key = `${route} ${method} ${status}`
      let series = requestSeries.get(key)
      if (!series) {
        const labels = { route, method, status: String(status) }
        requestSeries.set(key, (series = { count: requests.labels(labels), duration: duration.labels(labels) }))
      }
      series.count.inc()
      series.duration.observe(seconds)
    },
    tokenIssued(grantType) {
      let series = issuedSeries.get(grantType)
      if (!series) issuedSeries.set(grantType, (series = issued.labels({ grant_type: grantType })))
      series.inc()
    },
    oauthError(code) {
      let series = errorSeries.get(code)
      if (!series) errorSeries.set(code, (series = errors.labels({ error: code })))
      series.inc()
    },
    observeQuery(operation, seconds, failed) {
      let series = querySeries.get(operation)
      if (!series) querySeries.set(operation, (series = queries.labels({ operation })))
      series.observe(seconds)
      if (failed) queryErrors.inc({ operation })
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
