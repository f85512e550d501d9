/**
 * @module
 * GET|POST /oauth/authorize (and the Gitea alias): RFC 6749 §4.1.1–4.1.2, OIDC Core §3.1.2,
 * RFC 9207 `iss` on every response. POST /oauth/authorize/decision receives the consent form.
 * The browser's side of the flow (session, login redirect, consent page, CSRF) lives here with the
 * other pages; the protocol's rules (validation, redirect parameters) stay in oauth/authorize-request.ts,
 * which knows nothing of pages.
 */
import type { Params } from '../handler/params.ts'
import type { Reply, RequestContext } from '../handler/context.ts'
import { sameOriginLogo } from './application-logo.ts'
import { checkCsrf, csrfToken } from '../crypto/csrf.ts'
import { consentPage } from './consent.ts'
import { notAllowedPage } from './error.ts'
import type { Session } from '../services/sessions/sessions.ts'
import {
  buildRedirect,
  RedirectableError,
  UnredirectableError,
  validateAuthorizeRequest,
  type AuthorizeRequest,
  type AuthorizeRequestPorts,
} from '../oauth/authorize-request.ts'
import type { Port } from '../services/index.ts'
import { AccessDenied, ConsentRequired, FormExpired, LoginRequired } from '../handler/errors.ts'
import { SESSION_COOKIE } from './handlers.ts'
import { pageUi } from './ui.ts'

/** What the authorization endpoint uses, beyond validating the request: sessions, consents, codes. */
export type AuthorizeEndpointPorts = AuthorizeRequestPorts &
  Port<{
    sessions: 'resolve'
    grants: 'approve' | 'covers' | 'approvedScopes'
    scopes: 'describe'
    codes: 'issue'
    applications: 'mayUse'
  }>

export async function authorize(ctx: RequestContext<AuthorizeEndpointPorts>): Promise<Reply> {
  return guard(ctx, async () => {
    const params = ctx.method === 'POST' ? ctx.body : ctx.query
    const req = await validateAuthorizeRequest(ctx.services, ctx.config.issuer, params, ctx.ip)
    const session = await ctx.services.sessions.resolve(ctx.cookies.get(SESSION_COOKIE))
    if (needsLogin(ctx, req, session)) {
      if (req.prompt.has('none')) throw new RedirectableError(loginRequired(req, session), req.redirectUri, req.state)
      return {
        type: 'redirect',
        status: 303,
        location: `/login?return_to=${encodeURIComponent(afterLoginUrl(ctx, params))}`,
      }
    }
    if (!(await ctx.services.applications.mayUse(req.client, session!.user.id))) return notAllowed(ctx, req, session!)
    if (await needsConsent(ctx, req, session!)) {
      if (req.prompt.has('none'))
        throw new RedirectableError(
          new ConsentRequired('the user has not approved this application'),
          req.redirectUri,
          req.state,
        )
      return showConsent(ctx, req, session!)
    }
    return issueCode(ctx, req, session!)
  })
}

/** POST /oauth/authorize/decision: the consent form. A GET never grants (RFC 6749 §10.12). */
export async function authorizeDecision(ctx: RequestContext<AuthorizeEndpointPorts>): Promise<Reply> {
  return guard(ctx, async () => {
    // The route is same-origin only: a consent sent from another site never reaches this point.
    const { csrf_token: csrf, decision, ...params } = ctx.body
    const req = await validateAuthorizeRequest(ctx.services, ctx.config.issuer, params, ctx.ip)
    const cookie = ctx.cookies.get(SESSION_COOKIE)
    const session = await ctx.services.sessions.resolve(cookie)
    // The request was validated above, so starting again is that same request, from the top.
    if (!session || !checkCsrf(cookie, csrf)) throw new FormExpired(`/oauth/authorize?${new URLSearchParams(params)}`)
    if (decision !== 'approve')
      throw new RedirectableError(new AccessDenied('the user denied the request'), req.redirectUri, req.state)
    // Issue 16: taken out of the application's groups while the consent page was open.
    if (!(await ctx.services.applications.mayUse(req.client, session.user.id)))
      throw new RedirectableError(notAllowedError(req), req.redirectUri, req.state)
    await ctx.services.grants.approve(session.user.id, req.client.id, req.scopes, ctx.ip)
    return issueCode(ctx, req, session, 303)
  })
}

/**
 * RFC 6749 §4.1.2.1: errors about the client or redirect URI are shown to the user (as a page, by
 * the one error renderer, http/render-error.ts); all others go back to the client in the redirect.
 */
async function guard(ctx: RequestContext<AuthorizeEndpointPorts>, run: () => Promise<Reply>): Promise<Reply> {
  try {
    return await run()
  } catch (e) {
    if (e instanceof UnredirectableError) throw e.error
    if (!(e instanceof RedirectableError)) throw e
    ctx.log.error = e.error.code
    const location = buildRedirect(e.redirectUri, {
      error: e.error.code,
      error_description: e.error.description,
      state: e.state,
      iss: ctx.config.issuer,
    })
    return { type: 'redirect', status: ctx.method === 'POST' ? 303 : 302, location }
  }
}

function notAllowedError(req: AuthorizeRequest): AccessDenied {
  return new AccessDenied(`this account is not allowed to use ${req.client.name}`)
}

/**
 * Issue 16: the signed-in user is outside the groups the application is restricted to. Checked after
 * sign-in and before consent. With prompt=none the client gets `access_denied` at once (RFC 6749
 * §4.1.2.1); otherwise the user sees why (403), with a way back that tells the client the same.
 */
function notAllowed(ctx: RequestContext<AuthorizeEndpointPorts>, req: AuthorizeRequest, session: Session): Reply {
  const error = notAllowedError(req)
  if (req.prompt.has('none')) throw new RedirectableError(error, req.redirectUri, req.state)
  ctx.log.error = error.code
  const back = buildRedirect(req.redirectUri, {
    error: error.code,
    error_description: error.description,
    state: req.state,
    iss: ctx.config.issuer,
  })
  const page = notAllowedPage(pageUi(ctx, req.params.ui_locales), {
    applicationName: req.client.name,
    username: session.user.username,
    back,
  })
  return { type: 'html', status: 403, html: page }
}

/**
 * OIDC Core §3.1.2.1: prompt=login and an exceeded max_age force a fresh login, and so does an
 * id_token_hint naming another user than the one signed in (the client expects that user).
 */
function needsLogin(
  ctx: RequestContext<AuthorizeEndpointPorts>,
  req: AuthorizeRequest,
  session: Session | undefined,
): boolean {
  if (!session) return true
  if (req.prompt.has('login') || isOtherUser(req, session)) return true
  return req.maxAge !== undefined && ctx.clock.now() - session.authTime > req.maxAge
}

function isOtherUser(req: AuthorizeRequest, session: Session): boolean {
  return req.hintedSubject !== null && req.hintedSubject !== session.user.id
}

/** OIDC Core §3.1.2.2: with prompt=none, a missing session or another user is `login_required`. */
function loginRequired(req: AuthorizeRequest, session: Session | undefined): LoginRequired {
  if (session && isOtherUser(req, session))
    return new LoginRequired('the signed-in user is not the one id_token_hint names')
  return new LoginRequired('the user is not signed in')
}

/**
 * Where the login page sends the user back: the same request with the reasons for logging in
 * removed, so a fresh login satisfies it instead of looping. The id_token_hint goes too: whoever
 * signs in now answers the request, and the client sees from `sub` whether that is who it expected.
 */
function afterLoginUrl(ctx: RequestContext<AuthorizeEndpointPorts>, params: Params): string {
  const { id_token_hint: _, ...next }: Params = params
  if (next.prompt !== undefined) {
    const rest = next.prompt.split(' ').filter((p) => p && p !== 'login')
    if (rest.length) next.prompt = rest.join(' ')
    else delete next.prompt
  }
  if (next.max_age === '0') delete next.max_age
  return `${ctx.url.pathname}?${new URLSearchParams(next).toString()}`
}

/**
 * Consent is skipped for trusted applications and for a remembered approval covering every scope —
 * but never for public clients, whose identity cannot be proven (RFC 8252 §8.6).
 */
async function needsConsent(
  ctx: RequestContext<AuthorizeEndpointPorts>,
  req: AuthorizeRequest,
  session: Session,
): Promise<boolean> {
  if (req.client.isTrusted) return false
  if (req.prompt.has('consent') || req.client.isPublic) return true
  return !(await ctx.services.grants.covers(session.user.id, req.client.id, req.scopes))
}

async function showConsent(
  ctx: RequestContext<AuthorizeEndpointPorts>,
  req: AuthorizeRequest,
  session: Session,
): Promise<Reply> {
  const cookie = ctx.cookies.get(SESSION_COOKIE)!
  const request = { ...req.params }
  if (request.prompt)
    request.prompt = request.prompt
      .split(' ')
      .filter((p) => p !== 'consent')
      .join(' ')
  // OIDC Core §3.1.2.1: the request's ui_locales, carried in the form with the rest of the request.
  const html = consentPage(pageUi(ctx, req.params.ui_locales), {
    applicationName: req.client.name,
    applicationLogo: sameOriginLogo(req.client, ctx.config.issuer),
    redirectHost: new URL(req.redirectUri).host || req.redirectUri,
    username: session.user.username,
    scopes: await ctx.services.scopes.describe(req.scopes),
    alreadyApproved: req.client.isPublic
      ? []
      : await ctx.services.grants.approvedScopes(session.user.id, req.client.id),
    csrf: csrfToken(cookie),
    request,
    client: {
      logoUri: req.client.logoUri,
      clientUri: req.client.clientUri,
      policyUri: req.client.policyUri,
      tosUri: req.client.tosUri,
      unverified: req.client.registration !== 'admin',
    },
    ...(req.client.metadataDocument && { unverifiedHost: new URL(req.client.clientId).host }),
  })
  // Issue 18: the client's logo (an https URL it registered) may load; nothing else from elsewhere.
  const logo = req.client.logoUri ? new URL(req.client.logoUri).origin : undefined
  const headers: Array<[string, string]> = logo
    ? [
        [
          'Content-Security-Policy',
          `default-src 'none'; style-src 'self'; img-src 'self' ${logo}; frame-ancestors 'none'; base-uri 'none'`,
        ],
      ]
    : []
  return { type: 'html', html, headers }
}

async function issueCode(
  ctx: RequestContext<AuthorizeEndpointPorts>,
  req: AuthorizeRequest,
  session: Session,
  status: 302 | 303 = 302,
): Promise<Reply> {
  const code = await ctx.services.codes.issue({
    applicationId: req.client.id,
    userId: session.user.id,
    redirectUri: req.redirectUri,
    redirectUriSent: req.redirectUriSent,
    scopes: req.scopes,
    codeChallenge: req.pkce?.challenge ?? null,
    codeChallengeMethod: req.pkce?.method ?? null,
    nonce: req.nonce,
    authTime: session.authTime,
    resources: req.resources,
  })
  ctx.log.clientId = req.client.clientId
  return {
    type: 'redirect',
    status,
    location: buildRedirect(req.redirectUri, { code, state: req.state, iss: ctx.config.issuer }),
  }
}
