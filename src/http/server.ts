/**
 * @module
 * The HTTP server: Bun.serve, one routing table, request ids, CORS, and one request log line. What a
 * route declares it reads (origin check, query, body) is checked and parsed here, before its handler
 * runs. Every failure ends here (http/render-error.ts) as an RFC-shaped 4xx, a 503 with Retry-After for
 * a database that cannot be used now, or a masked 500 (its stack goes to the log only), never a stack
 * trace in a response.
 */
import type { Server } from 'bun'
import type { Config } from '../config.ts'
import { MethodNotAllowed, RouteNotFound, ServerError, TemporarilyUnavailable } from '../handler/errors.ts'
import type { HandlerServices } from '../services/index.ts'
import { acceptsHtml, parseCookies, queryParams, readBody, readJsonDocument } from '../handler/params.ts'
import { clientIp, normalize } from './client-ip.ts'
import { pageUi } from '../pages/ui.ts'
import type { Headers, Reply, ServerContext } from '../handler/context.ts'
import { CORS_HEADERS, CORS_PREFLIGHT_HEADERS } from './headers.ts'
import type { Logger } from './logger.ts'
import type { Metrics } from '../metrics.ts'
import type { ActivityEvent } from '../services/shared/activity.ts'
import { refuseCrossSite } from './origin.ts'
import { renderError, type ErrorShape } from './render-error.ts'
import { toResponse } from './respond.ts'
import { routeFor, type Endpoint, type Route, type RouteMethod } from './routes.ts'

const MAX_URL_LENGTH = 16 * 1024
/** An incoming X-Request-Id is kept only when it is a short token of safe characters. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/
const METHODS = new Set(['GET', 'POST', 'HEAD', 'OPTIONS'])

export interface App {
  fetch(request: Request, server?: Server<unknown>): Promise<Response>
}

export function createApp(
  services: HandlerServices,
  config: Config,
  clock: ServerContext['clock'],
  logger: Logger,
  metrics?: Metrics,
): App {
  return {
    async fetch(request, server) {
      const started = performance.now()
      const incomingId = request.headers.get('x-request-id')
      const requestId = incomingId && SAFE_REQUEST_ID.test(incomingId) ? incomingId : crypto.randomUUID()
      const peer = normalize(server?.requestIP(request)?.address ?? 'unknown')
      const ip = clientIp(peer, request.headers.get('x-forwarded-for'), config.trustedProxies)
      const ctx = makeContext(request, services, config, clock, { ip, peer }, requestId)
      if (ctx) ctx.metrics = metrics
      const route = ctx ? routeFor(ctx.url.pathname) : undefined
      const reply = ctx
        ? await dispatch(ctx, route)
        : renderError(new RouteNotFound('request URL is too long'), 'json').reply
      const response = toResponse(withHeaders(reply, route, requestId, request))
      const seconds = (performance.now() - started) / 1000
      if (ctx?.defect !== undefined)
        logger.log('error', 'unhandled error', {
          request_id: requestId,
          error: String((ctx.defect as Error)?.stack ?? ctx.defect).slice(0, 2000),
        })
      logger.log(response.status >= 500 ? 'error' : route?.quiet ? 'debug' : 'info', 'request', {
        request_id: requestId,
        method: request.method,
        route: ctx?.url.pathname.slice(0, 200),
        status: response.status,
        duration_ms: Math.round(seconds * 100_000) / 100,
        client_id: ctx?.log.clientId,
        grant_type: ctx?.log.grantType,
        error: ctx?.log.error,
        fault: ctx?.log.fault,
        detail: ctx?.log.debug,
        ip,
      })
      if (metrics) observe(metrics, ctx, route, request.method, response.status, seconds)
      const event = ctx && activityOf(ctx.url.pathname, request.method, response.status)
      // In memory only; the provider writes the counts out every few seconds (services/shared/activity.ts).
      if (event) services.activity.record(event)
      return response
    },
  }
}

const TOKEN_PATHS = new Set(['/oauth/token', '/login/oauth/access_token'])

/**
 * Issue 17: what the overview counts per day (services/shared/activity.ts), from a request's outcome:
 * a sign-in on the login page (303) or a refused one (401; a throttled 429 is not another failure), a
 * token issued (200) or a token request refused (400, 401). Busy, broken and malformed-method answers
 * are not counted.
 */
function activityOf(path: string, method: string, status: number): ActivityEvent | undefined {
  if (method !== 'POST') return undefined
  if (TOKEN_PATHS.has(path))
    return status === 200 ? 'token_issued' : status === 400 || status === 401 ? 'token_failed' : undefined
  if (path === '/login') return status === 303 ? 'sign_in' : status === 401 ? 'sign_in_failed' : undefined
  return undefined
}

/** Labels stay bounded: a route from the table (or "unmatched"), a known method, the status. */
function observe(
  metrics: Metrics,
  ctx: ServerContext | undefined,
  route: Route | undefined,
  method: string,
  status: number,
  seconds: number,
): void {
  metrics.observeRequest(
    route && ctx ? ctx.url.pathname : 'unmatched',
    METHODS.has(method) ? method : 'other',
    status,
    seconds,
  )
  if (ctx?.log.error) metrics.oauthError(ctx.log.error)
  if (ctx?.log.grantType && status === 200) metrics.tokenIssued(ctx.log.grantType)
}

function makeContext(
  request: Request,
  services: HandlerServices,
  config: Config,
  clock: ServerContext['clock'],
  { ip, peer }: { ip: string; peer: string },
  requestId: string,
): ServerContext | undefined {
  if (request.url.length > MAX_URL_LENGTH) return undefined
  return {
    request,
    url: new URL(request.url),
    method: request.method,
    ip,
    peer,
    requestId,
    cookies: parseCookies(request.headers.get('cookie')),
    query: Object.create(null),
    body: Object.create(null),
    services,
    config,
    clock,
    log: {},
  }
}

async function dispatch(ctx: ServerContext, route: Route | undefined): Promise<Reply> {
  try {
    if (!route) throw new RouteNotFound('no such endpoint')
    if (ctx.method === 'OPTIONS' && route.cors) return { type: 'empty', status: 204, headers: CORS_PREFLIGHT_HEADERS }
    const endpoint =
      route.methods[ctx.method as RouteMethod] ??
      (ctx.method === 'HEAD' ? route.methods.GET : undefined) ??
      route.anyMethod
    if (!endpoint) throw new MethodNotAllowed(`${ctx.method.slice(0, 10)} is not allowed here`)
    return await run(ctx, typeof endpoint === 'function' ? { handle: endpoint } : endpoint)
  } catch (error) {
    return failure(ctx, route, error)
  }
}

/** Reads what the endpoint declares it takes, in this order, then runs its handler. */
async function run(ctx: ServerContext, endpoint: Endpoint): Promise<Reply> {
  if (endpoint.sameOrigin) refuseCrossSite(ctx)
  if (endpoint.query) ctx.query = queryParams(ctx.url)
  if (endpoint.body) ctx.body = await readBody(ctx.request, endpoint.body)
  if (endpoint.jsonDocument) ctx.document = await readJsonDocument(ctx.request, endpoint.jsonDocument)
  return endpoint.handle(ctx)
}

function failure(ctx: ServerContext, route: Route | undefined, error: unknown): Reply {
  const allow = route && [...Object.keys(route.methods), ...(route.cors ? ['OPTIONS'] : [])]
  const shape = errorShape(ctx, route)
  const ui = shape === 'page' ? pageUi(ctx) : undefined
  const { reply, oauth } = renderError(error, shape, allow, ctx.config.issuer, ui)
  ctx.log.error = oauth.code
  // 503 (a busy password hasher, a database that cannot be used now) is an expected state, not a
  // bug: the request line says so (`fault`), with no stack and no second line.
  if (oauth instanceof TemporarilyUnavailable) ctx.log.fault = oauth.options.debug
  else if (oauth.status >= 500) ctx.defect = error
  // A refusal's private detail (issue 18: why a client's metadata document was refused) goes to the log only.
  else if (oauth.options.debug !== undefined) ctx.log.debug = oauth.options.debug.slice(0, 500)
  return reply
}

/** Pages answer errors as pages, /graphql in its shape; a browser lost on an unknown path gets a page too. */
function errorShape(ctx: ServerContext, route: Route | undefined): ErrorShape {
  if (route?.page) return 'page'
  if (route?.graphql) return 'graphql'
  if (route?.forge) return route.forge
  return !route && acceptsHtml(ctx.request) ? 'page' : 'json'
}

/**
 * CORS on the API routes, errors included, so browsers can read RFC errors (checklist K.61).
 * RFC 9112 §9.6: a request that says `Connection: close` gets it back. Bun closes such a connection
 * without saying so, and keep-alive clients (Node 19+) then reuse the dead socket ("socket hang up").
 */
function withHeaders(reply: Reply, route: Route | undefined, requestId: string, request: Request): Reply {
  const headers: Headers = [...(reply.headers ?? []), ['X-Request-Id', requestId]]
  if (route?.cors && !headers.some(([k]) => k === 'Access-Control-Allow-Origin')) headers.push(...CORS_HEADERS)
  if (asksToClose(request)) headers.push(['Connection', 'close'])
  return { ...reply, headers }
}

/** The `close` option among the comma-separated Connection options (RFC 9110 §7.6.1). */
function asksToClose(request: Request): boolean {
  const options = request.headers.get('connection')
  return !!options?.split(',').some((o) => o.trim().toLowerCase() === 'close')
}

export function startServer(app: App, config: Config): Server<unknown> {
  return Bun.serve({
    hostname: config.host,
    port: config.port,
    maxRequestBodySize: 1024 * 1024,
    fetch: (req, server) => app.fetch(req, server),
    error: (error) =>
      toResponse(
        renderError(new ServerError('the server could not complete the request', { cause: error }), 'json').reply,
      ),
  })
}
