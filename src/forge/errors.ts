/**
 * @module
 * The forges' own error bodies, so their API clients read Latchkey's refusals as they read the forge's
 * (issue 16). http/render-error.ts renders every error of a forge route through `forgeErrorBody`.
 * - GitLab (REST API docs): `{"message":"401 Unauthorized"}` for a missing or bad token; for a token
 *   without the scope, RFC 6750's `insufficient_scope` with the scopes that would do, as `scope`;
 *   `{"error":"405 Not Allowed"}` for another method.
 * - Gitea (`APIError`, modules/structs): `{"message", "url"}`, where url is the instance's API docs;
 *   "token is required", "invalid username, password or token", "token does not have at least one
 *   of required scope(s): [read:user]".
 */
import { InsufficientScope, MissingToken, type OAuthError } from '../handler/errors.ts'
import type { ForgeDialect } from './tokens.ts'

/** A forge route refused a token that carries none of the scopes it accepts; `named`: as that forge names them. */
export class ForgeScopeRequired extends InsufficientScope {
  constructor(readonly named: readonly string[]) {
    super(`the access token carries none of the scopes this API accepts: ${named.join(', ')}`)
  }
}

const REASONS: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  413: 'Payload Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
}

/** The body of a refusal in `dialect`'s shape; `issuer` is where Latchkey answers (Gitea's `url`). */
export function forgeErrorBody(dialect: ForgeDialect, error: OAuthError, issuer: string): unknown {
  return dialect === 'gitlab' ? gitlabBody(error) : { message: giteaMessage(error), url: `${issuer}/api/swagger` }
}

function gitlabBody(error: OAuthError): unknown {
  if (error instanceof ForgeScopeRequired)
    return {
      error: 'insufficient_scope',
      error_description: 'The request requires higher privileges than provided by the access token.',
      scope: error.named.join(' '),
    }
  // A method the route does not serve is answered by GitLab's API router (Grape) itself.
  if (error.status === 405) return { error: '405 Not Allowed' }
  const status = `${error.status} ${REASONS[error.status] ?? 'Error'}`
  // GitLab names a bad request's cause after the status; other refusals are the status alone.
  return { message: error.status === 400 ? `${status} - ${error.description}` : status }
}

function giteaMessage(error: OAuthError): string {
  if (error instanceof ForgeScopeRequired)
    return `token does not have at least one of required scope(s): [${error.named.join(' ')}]`
  if (error instanceof MissingToken) return 'token is required'
  if (error.code === 'invalid_token') return 'invalid username, password or token'
  return error.description
}
