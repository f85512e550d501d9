/**
 * @module
 * The one place an error becomes a Reply. Whatever was thrown becomes an OAuthError first: OAuthErrors
 * as they are, domain errors as invalid_request, a busy password hasher or a store that cannot be used
 * right now (store/faults.ts) as 503 temporarily_unavailable with Retry-After, anything else as a masked
 * server_error. Its headers follow from the error (WWW-Authenticate, Retry-After, Allow) and its shape
 * from the route: RFC 6749 §5.2 JSON for the API, a page for browsers, GraphQL's `errors[]` for /graphql.
 */
import { PasswordHasherBusy } from '../crypto/passwords.ts'
import type { Headers, Reply } from '../handler/context.ts'
import {
  FormExpired,
  InvalidRequest,
  MissingToken,
  RouteNotFound,
  OAuthError,
  ServerError,
  TemporarilyUnavailable,
  TooManyRequests,
} from '../handler/errors.ts'
import { GRAPHQL_UNAVAILABLE } from '../graphql/yoga.ts'
import { forgeErrorBody } from '../forge/errors.ts'
import type { ForgeDialect } from '../forge/tokens.ts'
import { errorPage, formExpiredPage, notFoundPage, unavailablePage } from '../pages/error.ts'
import { DEFAULT_UI, type PageUi } from '../pages/html.ts'
import { DomainError, storageUnavailable } from '../services/shared/errors.ts'

/** How a route answers errors: RFC-shaped JSON, an HTML page, GraphQL over HTTP's shape, or a forge's. */
export type ErrorShape = 'json' | 'page' | 'graphql' | ForgeDialect

export interface RenderedError {
  reply: Reply
  /** What was rendered, for the request log. */
  oauth: OAuthError
}

/**
 * `allow`: the route's methods, sent with a 405 (RFC 9110 §15.5.6); `issuer`: where Latchkey answers,
 * which Gitea's error body names; `ui`: the language and instance name an error page is shown in.
 */
export function renderError(
  error: unknown,
  shape: ErrorShape,
  allow?: string[],
  issuer = '',
  ui: PageUi = DEFAULT_UI,
): RenderedError {
  const oauth = toOAuthError(error)
  const headers = errorHeaders(oauth, shape, allow)
  const status = oauth.status
  if (shape === 'page') return { oauth, reply: { type: 'html', status, html: errorPageFor(oauth, ui), headers } }
  if (shape === 'graphql') return { oauth, reply: { type: 'json', status, body: graphqlErrorBody(oauth), headers } }
  if (shape === 'gitlab' || shape === 'gitea')
    return { oauth, reply: { type: 'json', status, body: forgeErrorBody(shape, oauth, issuer), headers } }
  return { oauth, reply: { type: 'json', status, body: oauth.toJSON(), headers } }
}

export function toOAuthError(error: unknown): OAuthError {
  if (error instanceof OAuthError) return error
  if (error instanceof DomainError) return new InvalidRequest(error.message)
  if (error instanceof PasswordHasherBusy) return new TemporarilyUnavailable(error.message, error.retryAfter)
  const outage = storageUnavailable(error)
  if (outage)
    return new TemporarilyUnavailable(
      'the service cannot reach its database right now; try again shortly',
      outage.retryAfter,
      { cause: error, debug: outage.reason },
    )
  return new ServerError('the server could not complete the request', { cause: error })
}

function errorHeaders(oauth: OAuthError, shape: ErrorShape, allow: string[] | undefined): Headers {
  const headers: Headers = []
  // RFC 6749 §5.2: a client that failed to authenticate is told how it may.
  if (oauth.code === 'invalid_client') headers.push(['WWW-Authenticate', 'Basic realm="latchkey", charset="UTF-8"'])
  if (oauth instanceof TooManyRequests || oauth instanceof TemporarilyUnavailable)
    headers.push(['Retry-After', String(Math.max(1, oauth.retryAfter))])
  if (oauth.status === 405 && allow) headers.push(['Allow', allow.join(', ')])
  if (oauth.code === 'invalid_token' || oauth.code === 'insufficient_scope')
    headers.push([
      'WWW-Authenticate',
      bearerChallenge(oauth instanceof MissingToken ? undefined : oauth, shape !== 'graphql'),
    ])
  return headers
}

/** RFC 6750 §3: the challenge a resource endpoint sends with 401/403 (GraphQL's names the error only). */
function bearerChallenge(error: OAuthError | undefined, describe: boolean): string {
  if (!error) return 'Bearer realm="latchkey"'
  if (!describe) return `Bearer realm="latchkey", error="${error.code}"`
  const description = error.description.replace(/["\\]/g, '')
  return `Bearer realm="latchkey", error="${error.code}", error_description="${description}"`
}

/** The page for an error; the OAuth code and description stay English (they are for developers). */
function errorPageFor(oauth: OAuthError, ui: PageUi): string {
  if (oauth instanceof FormExpired) return formExpiredPage(oauth.startAgain, ui)
  if (oauth instanceof TemporarilyUnavailable) return unavailablePage(ui)
  if (oauth instanceof RouteNotFound) return notFoundPage(ui)
  return errorPage(oauth.code, oauth.status >= 500 ? ui.t.errors.somethingWrong : oauth.description, ui)
}

/** RFC 6750 failures in GraphQL's words; other codes are the OAuth code in capitals. */
const GRAPHQL_CODES: Partial<Record<OAuthError['code'], string>> = {
  invalid_token: 'UNAUTHENTICATED',
  insufficient_scope: 'FORBIDDEN',
  // Issue 17: a browser session's request refused by the CSRF rule or the user's role (graphql/http.ts).
  access_denied: 'FORBIDDEN',
}

/** GraphQL over HTTP's shape for a request refused before yoga ran; codes as yoga's (graphql/yoga.ts). */
function graphqlErrorBody(oauth: OAuthError): unknown {
  const code =
    oauth instanceof TemporarilyUnavailable
      ? GRAPHQL_UNAVAILABLE
      : oauth.status >= 500
        ? 'INTERNAL_SERVER_ERROR'
        : (GRAPHQL_CODES[oauth.code] ?? oauth.code.toUpperCase())
  return {
    data: null,
    errors: [
      {
        message: oauth.status >= 500 && code !== GRAPHQL_UNAVAILABLE ? 'Unexpected error.' : oauth.description,
        extensions: { code },
      },
    ],
  }
}
