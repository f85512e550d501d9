/**
 * @module
 * The forward-auth endpoints (issue 16), for reverse proxies' sub-requests: `/forward-auth/nginx`
 * (nginx `auth_request`, which honours only 2xx, 401 and 403, so it never redirects) and
 * `/forward-auth` (Traefik `forwardAuth`, Caddy `forward_auth`: the same, but a browser without a
 * session is sent to sign in). `/forward-auth/return` brings a signed-in browser back to the page it
 * asked for. Without `--forward-auth-rules` all three answer 404. They translate decide.ts's verdict.
 */
import { allowedReturnUrl, type ForwardAuthRules } from '../forward-auth-rules.ts'
import type { Headers, Reply, RequestContext } from '../handler/context.ts'
import { InvalidRequest, RouteNotFound } from '../handler/errors.ts'
import { acceptsHtml } from '../handler/params.ts'
import { requireSignedIn } from '../pages/session.ts'
import type { Port } from '../services/index.ts'
import type { CredentialPorts, Identity } from './credentials.ts'
import { decide, type Verdict } from './decide.ts'

export const RETURN_PATH = '/forward-auth/return'

/** nginx `auth_request`: 200, 401 with challenges, or 403. */
export async function forwardAuthNginx(ctx: RequestContext<CredentialPorts>): Promise<Reply> {
  return answer(ctx, await decide(ctx, rulesOf(ctx)), false)
}

/** Traefik `forwardAuth` and Caddy `forward_auth`: as nginx's, plus a redirect to sign in for browsers. */
export async function forwardAuth(ctx: RequestContext<CredentialPorts>): Promise<Reply> {
  return answer(ctx, await decide(ctx, rulesOf(ctx)), true)
}

/** After signing in: back to the protected page, only if it is one the rules name (never an open redirect). */
export async function forwardAuthReturn(ctx: RequestContext<Port<{ sessions: 'resolve' }>>): Promise<Reply> {
  const target = allowedReturnUrl(ctx.query.url ?? '', rulesOf(ctx).rules, ctx.config.issuer)
  if (!target) throw new InvalidRequest('that address is not a page Latchkey protects; nothing to return to')
  const signedIn = await requireSignedIn(ctx)
  if ('reply' in signedIn) return signedIn.reply
  return { type: 'redirect', status: 303, location: target.href }
}

function rulesOf(ctx: RequestContext<unknown>): ForwardAuthRules {
  if (!ctx.config.forwardAuth) throw new RouteNotFound('forward auth is off (no --forward-auth-rules)')
  return ctx.config.forwardAuth
}

/** The verdict as the proxy needs it; refusals name their code in the request log line. */
function answer(ctx: RequestContext<unknown>, verdict: Verdict, redirects: boolean): Reply {
  const headers: Headers = [['Cache-Control', 'no-store']]
  switch (verdict.kind) {
    case 'allow':
      return { type: 'empty', status: 200, headers: [...headers, ...identityHeaders(verdict.identity)] }
    case 'forbidden': {
      // RFC 6750 §3.1: insufficient_scope names the scope the request needs.
      if (verdict.missingScopes)
        headers.push([
          'WWW-Authenticate',
          `Bearer realm="${realm(ctx)}", error="insufficient_scope", scope="${verdict.missingScopes.join(' ')}"`,
        ])
      const error = verdict.missingScopes ? 'insufficient_scope' : 'access_denied'
      ctx.log.error = error
      return { type: 'json', status: 403, body: { error, error_description: verdict.reason }, headers }
    }
    case 'unauthenticated': {
      const signIn = redirects && signInLocation(ctx, verdict)
      if (signIn) return { type: 'redirect', status: 302, location: signIn, headers }
      // nginx turns anything but 401/403 into a 500: too many bad tokens is a 429 only for the others.
      if (redirects && verdict.retryAfter !== undefined) {
        ctx.log.error = 'too_many_requests'
        headers.push(['Retry-After', String(Math.max(1, verdict.retryAfter))])
        const body = { error: 'too_many_requests', error_description: verdict.reason }
        return { type: 'json', status: 429, body, headers }
      }
      return unauthorized(ctx, verdict, headers)
    }
  }
}

/**
 * RFC 6750 §3 and RFC 7617 §2: a Basic challenge (git sends credentials only after one) and a Bearer
 * one; the Bearer one names invalid_token only when a credential was presented (§3.1).
 */
function unauthorized(
  ctx: RequestContext<unknown>,
  verdict: Extract<Verdict, { kind: 'unauthenticated' }>,
  headers: Headers,
): Reply {
  const presentedSomething = verdict.presented !== 'none'
  ctx.log.error = 'invalid_token'
  headers.push(['WWW-Authenticate', `Basic realm="${realm(ctx)}", charset="UTF-8"`])
  headers.push([
    'WWW-Authenticate',
    `Bearer realm="${realm(ctx)}"${presentedSomething ? ', error="invalid_token"' : ''}`,
  ])
  return { type: 'json', status: 401, body: { error: 'invalid_token', error_description: verdict.reason }, headers }
}

/** Latchkey's sign-in page, coming back through RETURN_PATH: for a browser that sent no usable credential. */
function signInLocation(
  ctx: RequestContext<unknown>,
  verdict: Extract<Verdict, { kind: 'unauthenticated' }>,
): string | undefined {
  if (!verdict.original || (verdict.presented !== 'none' && verdict.presented !== 'session')) return undefined
  if (!acceptsHtml(ctx.request)) return undefined
  const back = allowedReturnUrl(verdict.original.href, rulesOf(ctx).rules, ctx.config.issuer)
  if (!back) return undefined
  const returnTo = `${RETURN_PATH}?url=${encodeURIComponent(back.href)}`
  return `${ctx.config.issuer}/login?return_to=${encodeURIComponent(returnTo)}`
}

function realm(ctx: RequestContext<unknown>): string {
  return new URL(ctx.config.issuer).host
}

/** Who passed, for the proxy to hand to the application; empty for a public rule's anonymous pass. */
function identityHeaders(identity: Identity | undefined): Headers {
  if (!identity) return []
  const { user, groups, scopes } = identity
  return [
    ['Remote-User', headerValue(user.username)],
    ['Remote-Name', headerValue(user.name ?? '')],
    ['Remote-Email', headerValue(user.email ?? '')],
    ['Remote-Groups', headerValue(groups.join(','))],
    ['Remote-Scopes', headerValue((scopes ?? []).join(' '))],
  ]
}

/**
 * A header value as UTF-8 bytes (what Go and nginx pass through unchanged), with control characters
 * dropped so no value can end a header early.
 */
function headerValue(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, '')
  return String.fromCharCode(...new TextEncoder().encode(clean))
}
