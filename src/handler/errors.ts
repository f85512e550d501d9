/**
 * @module
 * One typed error per RFC error code. `description` is public; `debug` only goes to the log.
 * Handlers (oauth/, pages/, graphql/) throw them; only http/ renders them (http/respond.ts).
 *
 * Naming: a class is its `code` in PascalCase, with no `Error` suffix (`invalid_token` → InvalidToken).
 * Two kinds of exception, each named for its case: a subclass that refines a code (MissingToken,
 * FormExpired), and `not_found`, which is RouteNotFound because the HTTP layer answers 404 only for a
 * URL it has no route for, and plain `NotFound` is the domain error (services/shared/errors.ts) while
 * `NotFoundError` is its GraphQL type.
 */
export type OAuthErrorCode =
  // RFC 6749 §4.1.2.1 and §5.2
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'access_denied'
  | 'unsupported_response_type'
  | 'server_error'
  | 'temporarily_unavailable'
  // RFC 6750 §3.1
  | 'invalid_token'
  | 'insufficient_scope'
  // OIDC Core §3.1.2.6
  | 'login_required'
  | 'consent_required'
  | 'interaction_required'
  // RFC 8628 §3.5
  | 'authorization_pending'
  | 'slow_down'
  | 'expired_token'
  // RFC 7591 §3.2.2
  | 'invalid_redirect_uri'
  | 'invalid_client_metadata'
  // RFC 9110: not an OAuth code, but answered in the same JSON shape
  | 'method_not_allowed'
  | 'not_found'
  | 'request_too_large'
  | 'too_many_requests'

export interface OAuthErrorOptions {
  cause?: unknown
  debug?: string
}

export abstract class OAuthError extends Error {
  abstract readonly code: OAuthErrorCode
  readonly status: number = 400
  constructor(
    readonly description: string,
    readonly options: OAuthErrorOptions = {},
  ) {
    super(description, { cause: options.cause })
    this.name = new.target.name
  }
  toJSON(): { error: OAuthErrorCode; error_description: string } {
    return { error: this.code, error_description: this.description }
  }
}

export class InvalidRequest extends OAuthError {
  readonly code = 'invalid_request'
}
/** RFC 6749 §5.2: 401, with WWW-Authenticate (added by the responder) for HTTP-authenticated clients. */
export class InvalidClient extends OAuthError {
  readonly code = 'invalid_client'
  override readonly status = 401
}
export class InvalidGrant extends OAuthError {
  readonly code = 'invalid_grant'
}
export class UnauthorizedClient extends OAuthError {
  readonly code = 'unauthorized_client'
}
export class UnsupportedGrantType extends OAuthError {
  readonly code = 'unsupported_grant_type'
}
export class InvalidScope extends OAuthError {
  readonly code = 'invalid_scope'
}
export class AccessDenied extends OAuthError {
  readonly code = 'access_denied'
}
export class UnsupportedResponseType extends OAuthError {
  readonly code = 'unsupported_response_type'
}
export class ServerError extends OAuthError {
  readonly code = 'server_error'
  override readonly status = 500
}
/** RFC 6750 §3.1 */
export class InvalidToken extends OAuthError {
  readonly code = 'invalid_token'
  override readonly status = 401
}
export class InsufficientScope extends OAuthError {
  readonly code = 'insufficient_scope'
  override readonly status = 403
}
/** OIDC Core §3.1.2.6 */
export class LoginRequired extends OAuthError {
  readonly code = 'login_required'
}
export class ConsentRequired extends OAuthError {
  readonly code = 'consent_required'
}
export class InteractionRequired extends OAuthError {
  readonly code = 'interaction_required'
}

export class MethodNotAllowed extends OAuthError {
  readonly code = 'method_not_allowed'
  override readonly status = 405
}
/** RFC 9110 §15.5.5: no route for this URL (code `not_found`; see the naming note above). */
export class RouteNotFound extends OAuthError {
  readonly code = 'not_found'
  override readonly status = 404
}
/** RFC 6585 §4: sent with Retry-After. */
export class TooManyRequests extends OAuthError {
  readonly code = 'too_many_requests'
  override readonly status = 429
  constructor(
    description: string,
    readonly retryAfter: number,
  ) {
    super(description)
  }
}
/** RFC 8628 §3.5 */
export class AuthorizationPending extends OAuthError {
  readonly code = 'authorization_pending'
}
export class SlowDown extends OAuthError {
  readonly code = 'slow_down'
}
export class ExpiredToken extends OAuthError {
  readonly code = 'expired_token'
}
export class RequestTooLarge extends OAuthError {
  readonly code = 'request_too_large'
  override readonly status = 413
}
/**
 * RFC 6749 §5.2/§4.1.2.1 `temporarily_unavailable`, as 503 with Retry-After (RFC 9110 §15.6.4): the
 * server is overloaded for a moment (every Argon2id slot busy and the queue full) or its database
 * cannot be used (`options.debug` names the fault for the log), not the client at fault.
 */
export class TemporarilyUnavailable extends OAuthError {
  readonly code = 'temporarily_unavailable'
  override readonly status = 503
  constructor(
    description: string,
    readonly retryAfter: number,
    options: OAuthErrorOptions = {},
  ) {
    super(description, options)
  }
}

/** RFC 7591 §3.2.2: a redirect URI of a registration is refused. */
export class InvalidRedirectUri extends OAuthError {
  readonly code = 'invalid_redirect_uri'
}
/** RFC 7591 §3.2.2: another metadata field of a registration is refused; the description names it. */
export class InvalidClientMetadata extends OAuthError {
  readonly code = 'invalid_client_metadata'
}

/** RFC 6750 §3.1: a request with no token at all gets a challenge without an error code. */
export class MissingToken extends InvalidToken {}

/**
 * RFC 6749 §10.12: a browser form whose CSRF token no longer matches its session. Pages answer with
 * the one "form expired" page, linking to `startAgain` (a same-site page that shows the form anew).
 */
export class FormExpired extends OAuthError {
  readonly code = 'access_denied'
  override readonly status = 403
  constructor(readonly startAgain: string) {
    super('the form has expired; nothing was changed')
  }
}
