/**
 * @module
 * The only place a Response is built: from a handler's Reply, or from an error. OAuthErrors become
 * RFC-shaped JSON with their status; a store that cannot be used right now (store/faults.ts) becomes
 * 503 temporarily_unavailable with Retry-After; anything else unexpected becomes a masked server_error.
 */
import { PasswordHasherBusy } from '../crypto/passwords.ts'
import { InvalidRequest, OAuthError, ServerError, TemporarilyUnavailable, TooManyRequests } from '../handler/errors.ts'
import { DomainError, storageUnavailable } from '../services/errors.ts'
import type { Headers, Reply } from '../handler/context.ts'
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
      return new Response(reply.response.body, { status: reply.response.status, statusText: reply.response.statusText, headers: merged })
    }
  }
}

/** Turns any thrown value into an RFC-shaped JSON reply; the second element is for the log. */
export function errorReply(error: unknown, extraHeaders: Headers = []): { reply: Reply; oauth: OAuthError } {
  const oauth = toOAuthError(error)
  const headers: Headers = [...extraHeaders]
  if (oauth.code === 'invalid_client') headers.push(['WWW-Authenticate', 'Basic realm="latchkey", charset="UTF-8"'])
  if (oauth instanceof TooManyRequests || oauth instanceof TemporarilyUnavailable) headers.push(['Retry-After', String(Math.max(1, oauth.retryAfter))])
  return { reply: { type: 'json', status: oauth.status, body: oauth.toJSON(), headers }, oauth }
}

export function toOAuthError(error: unknown): OAuthError {
  if (error instanceof OAuthError) return error
  if (error instanceof DomainError) return new InvalidRequest(error.message)
  if (error instanceof PasswordHasherBusy) return new TemporarilyUnavailable(error.message, error.retryAfter)
  const outage = storageUnavailable(error)
  if (outage) return new TemporarilyUnavailable('the service cannot reach its database right now; try again shortly', outage.retryAfter, { cause: error, debug: outage.reason })
  return new ServerError('the server could not complete the request', { cause: error })
}

/** RFC 6750 §3: the challenge a resource endpoint sends with 401/403. */
export function bearerChallenge(error?: OAuthError): string {
  if (!error) return 'Bearer realm="latchkey"'
  return `Bearer realm="latchkey", error="${error.code}", error_description="${error.description.replace(/["\\]/g, '')}"`
}
