/**
 * In-process HTTP for tests: `mount(origin, app)` makes the global `fetch` hand every request for
 * that origin straight to `app.fetch`, with no socket. Other origins go to the real `fetch`.
 *
 * What a listening Bun server would add is reproduced where handlers or tests can see it: a peer
 * address for `server.requestIP` (127.0.0.1, so X-Forwarded-For and trusted proxies behave as on
 * loopback), redirects followed unless `redirect: 'manual'`, no body on HEAD, and `Response.url`.
 */
import type { Server } from 'bun'
import type { App } from '../../src/http/server.ts'

const mounted = new Map<string, App>()
const realFetch = globalThis.fetch

/** The peer the app sees for in-process requests, as `server.requestIP` would report it. */
export const IN_PROCESS_PEER = { address: '127.0.0.1', family: 'IPv4', port: 40000 } as const
const peer = { requestIP: () => IN_PROCESS_PEER } as unknown as Server<unknown>

/**
 * Ports handed to in-process servers: below Linux's ephemeral range (32768–60999), so a port the
 * OS gives a real listener in the same test process (`port: 0`) never shares an origin with them.
 */
let nextPort = 20000 + (process.pid % 1000) * 10
export function unusedPort(): number {
  nextPort = nextPort >= 32000 ? 20000 : nextPort + 1
  return nextPort
}

export function mount(origin: string, app: App): () => Promise<void> {
  const key = new URL(origin).origin
  if (mounted.has(key)) throw new Error(`${key} is already mounted in-process`)
  mounted.set(key, app)
  return async () => void mounted.delete(key)
}

async function inProcessFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const request = new Request(input, init)
  const app = mounted.get(new URL(request.url).origin)
  if (!app) return realFetch(input, init)
  const response = await app.fetch(request, peer)
  const redirect = init?.redirect ?? (input instanceof Request ? input.redirect : 'follow')
  const location = response.headers.get('location')
  if (response.status >= 300 && response.status < 400 && location && redirect !== 'manual') {
    if (redirect === 'error') throw new TypeError(`redirect to ${location} with redirect: 'error'`)
    const keepsMethod = response.status === 307 || response.status === 308
    const next = new URL(location, request.url)
    return globalThis.fetch(
      next,
      keepsMethod ? { ...init, redirect } : { headers: init?.headers, redirect, method: 'GET' },
    )
  }
  const out =
    request.method === 'HEAD'
      ? new Response(null, { status: response.status, statusText: response.statusText, headers: response.headers })
      : response
  Object.defineProperty(out, 'url', { value: request.url })
  return out
}

globalThis.fetch = Object.assign(inProcessFetch, { preconnect: realFetch.preconnect }) as typeof fetch
