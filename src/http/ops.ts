/**
 * @module
 * Endpoints for operators and orchestrators: liveness, readiness and Prometheus metrics. All three
 * are cheap (at most one indexed query, plus the session count on a metrics scrape) and logged at
 * debug level, since they are polled.
 */
import type { Server } from 'bun'
import type { Config } from '../config.ts'
import { RouteNotFound } from '../handler/errors.ts'
import type { Metrics } from '../metrics.ts'
import type { Reply, RequestContext } from '../handler/context.ts'
import type { Port } from '../services/index.ts'
import { renderError } from './render-error.ts'
import { toResponse } from './respond.ts'

/** Headers a reverse proxy adds; a request carrying one did not come straight from this host. */
const PROXY_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip']

/** Liveness: the process is up and its event loop answers. Touches nothing else. */
export async function healthz(): Promise<Reply> {
  return { type: 'json', body: { status: 'ok' } }
}

/** Readiness: the database answers and carries this build's newest migration; 503 otherwise. */
export async function readyz(ctx: RequestContext<Port<{ health: 'readiness' }>>): Promise<Reply> {
  const r = await ctx.services.health.readiness()
  return r.ready
    ? { type: 'json', body: { status: 'ready' } }
    : { type: 'json', status: 503, body: { status: 'not_ready', reason: r.reason } }
}

/**
 * /metrics on the main port. `--metrics loopback` (the default) answers only to a client on this
 * host that did not come through a proxy; `on` answers to anyone; with `--metrics-port` or
 * `--metrics off` the main port has no /metrics at all.
 */
export async function metricsOnMainPort(ctx: RequestContext<unknown>): Promise<Reply> {
  const { metrics, metricsPort } = ctx.config
  if (!ctx.metrics || metrics === 'off' || metricsPort !== undefined) throw new RouteNotFound('no such endpoint')
  if (metrics === 'loopback' && !(isLoopback(ctx.ip) && PROXY_HEADERS.every((h) => !ctx.request.headers.has(h))))
    throw new RouteNotFound('no such endpoint')
  return renderMetrics(ctx.metrics)
}

export async function renderMetrics(metrics: Metrics): Promise<Reply> {
  return {
    type: 'text',
    body: await metrics.render(),
    contentType: metrics.contentType,
    headers: [['Cache-Control', 'no-store']],
  }
}

export function isLoopback(ip: string): boolean {
  return ip === '::1' || ip.startsWith('127.') || ip.startsWith('::ffff:127.')
}

/**
 * `--metrics-port`: /metrics alone on its own listener (default 127.0.0.1), so the public port
 * never exposes it. Anything else there is a 404.
 */
export function startMetricsServer(metrics: Metrics, config: Config): Server<unknown> {
  return Bun.serve({
    hostname: config.metricsHost,
    port: config.metricsPort,
    async fetch(request) {
      const path = new URL(request.url).pathname
      if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD'))
        return toResponse(renderError(new RouteNotFound('no such endpoint'), 'json').reply)
      return toResponse(await renderMetrics(metrics))
    },
  })
}
