/**
 * @module
 * The handler contract: what every handler (oauth/, pages/, graphql/) receives and what it returns
 * instead of building a Response. A leaf for the handler layers: it imports none of them.
 */
import type { Config } from '../config.ts'
import type { Metrics } from '../metrics.ts'
import type { HandlerServices, ServiceDeps } from '../services/index.ts'
import type { Params } from './params.ts'

/**
 * `S` narrows the services a handler sees to the port it declares (see `Port` in services/index.ts);
 * the server passes the real services, which fit every port. `S` has no default on purpose: every
 * handler names its port (issue 15 §3); a helper that reads no services takes `RequestContext<unknown>`.
 */
export interface RequestContext<S> {
  request: Request
  url: URL
  method: string
  /** The client's address: X-Forwarded-For's when the peer is a trusted proxy (http/client-ip.ts). */
  ip: string
  /** The TCP peer itself; forwarded headers are believed only when it is one of `config.trustedProxies`. */
  peer: string
  requestId: string
  cookies: ReadonlyMap<string, string>
  /** The query string's parameters, parsed strictly when the route asks for them (else empty). */
  query: Params
  /** The body's parameters, parsed before dispatch as the route declares (else empty). */
  body: Params
  /** A `jsonDocument` route's body (issue 18, RFC 7591 client metadata); undefined on other routes. */
  document?: Record<string, unknown>
  services: S
  config: Config
  /** The provider's clock (the services' own), for handlers that compare times. */
  clock: ServiceDeps['clock']
  /** Set by handlers that authenticate a client, for the request log; `fault` names a 503's cause. */
  log: { clientId?: string; error?: string; debug?: string; grantType?: string; fault?: string }
  /** An unexpected error behind a masked answer (a defect): the server logs it with its stack. */
  defect?: unknown
  /** The provider's metrics, for /metrics (absent in contexts built without them). */
  metrics?: Metrics
}

export type Headers = Array<[string, string]>

/** A handler's answer. Only http/respond.ts turns it into a Response. */
export type Reply =
  | { type: 'json'; status?: number; body: unknown; headers?: Headers; cache?: 'no-store' | 'public' }
  | { type: 'html'; status?: number; html: string; headers?: Headers }
  | { type: 'redirect'; location: string; status?: 302 | 303; headers?: Headers }
  | { type: 'text'; status?: number; body: string | Uint8Array<ArrayBuffer>; contentType: string; headers?: Headers }
  | { type: 'empty'; status: number; headers?: Headers }
  /** A Response built by a library that speaks HTTP itself (graphql-yoga); headers are added to it. */
  | { type: 'response'; response: Response; headers?: Headers }

/** The context the server builds: the real services, which every handler's port is a view of. */
export type ServerContext = RequestContext<HandlerServices>

/** A routed handler as the server calls it; a handler that declares a narrower port fits. */
export type Handler = (ctx: ServerContext) => Promise<Reply>
