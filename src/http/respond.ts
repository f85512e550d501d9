/**
 * @module
 * The only place a Response is built, from a Reply: a handler's, or an error's (http/render-error.ts).
 * test/architecture.test.ts holds every other folder to that.
 */
import type { Reply } from '../handler/context.ts'
import { NO_STORE, PAGE_HEADERS } from './headers.ts'

export function toResponse(reply: Reply): Response {
  const headers = new Headers(reply.headers)
  switch (reply.type) {
    case 'json':
      headers.set('Content-Type', 'application/json; charset=utf-8')
      if ((reply.cache ?? 'no-store') === 'no-store') for (const [k, v] of NO_STORE) headers.set(k, v)
      return new Response(JSON.stringify(reply.body), { status: reply.status ?? 200, headers })
    case 'html':
      for (const [k, v] of PAGE_HEADERS) if (!headers.has(k)) headers.set(k, v)
      headers.set('Content-Type', 'text/html; charset=utf-8')
      return new Response(reply.html, { status: reply.status ?? 200, headers })
    case 'redirect':
      headers.set('Location', reply.location)
      headers.set('Cache-Control', 'no-store')
      return new Response(null, { status: reply.status ?? 302, headers })
    case 'text':
      headers.set('Content-Type', reply.contentType)
      return new Response(reply.body, { status: reply.status ?? 200, headers })
    case 'empty':
      return new Response(null, { status: reply.status, headers })
    case 'response': {
      const merged = new Headers(reply.response.headers)
      for (const [k, v] of headers) merged.set(k, v)
      return new Response(reply.response.body, {
        status: reply.response.status,
        statusText: reply.response.statusText,
        headers: merged,
      })
    }
  }
}
