/**
 * @module
 * The login and logout pages. A successful login always starts a new session (a new cookie value),
 * so a cookie planted before login is useless afterwards (session fixation).
 */
import { PasswordHasherBusy } from '../crypto/passwords.ts'
import { randomBase64Url } from '../crypto/secrets.ts'
import type { Headers, Reply, RequestContext } from '../handler/context.ts'
import { FormExpired } from '../handler/errors.ts'
import {
  RedirectableError,
  UnredirectableError,
  validateAuthorizeRequest,
  type AuthorizeRequestPorts,
} from '../oauth/authorize-request.ts'
import { sameOriginLogo } from './application-logo.ts'
import { checkCsrf, csrfToken } from '../crypto/csrf.ts'
import type { PageUi } from './html.ts'
import { homePage, loggedOutPage, loginPage, logoutPage, type SignInFor } from './login.ts'
import { pageUi } from './ui.ts'
import { DEFAULT_LOGO_SVG, STYLESHEET } from './style.ts'
import type { Port } from '../services/index.ts'
import { signIn, type SignInDeps, type SignInResult } from '../services/users/sign-in.ts'
import { SESSION_COOKIE } from '../services/sessions/sessions.ts'

/**
 * What the login and logout pages use: sign-in checks and sessions, and the authorization request a
 * sign-in is for (to name its application).
 */
export type LoginPorts = SignInDeps &
  AuthorizeRequestPorts &
  Port<{ users: 'passwordHasher'; sessions: 'resolve' | 'start' | 'end' }>

export { SESSION_COOKIE }
export const LOGIN_CSRF_COOKIE = 'latchkey_login'

/**
 * Host-only unless `--session-cookie-domain` names a Domain, so that hosts under it behind forward auth
 * receive the session too (RFC 6265 §4.1.2.3); the login form's CSRF cookie stays host-only.
 */
export function cookie(ctx: RequestContext<unknown>, name: string, value: string, maxAge: number): string {
  const secure = ctx.config.issuer.startsWith('https:') ? '; Secure' : ''
  const domain =
    name === SESSION_COOKIE && ctx.config.sessionCookieDomain ? ` Domain=${ctx.config.sessionCookieDomain};` : ''
  return `${name}=${value}; Path=/;${domain} HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure}`
}

/** Only same-site paths may be returned to, never another origin ("//evil", "/\\evil"). */
function safeReturnTo(value: string | null | undefined): string {
  if (!value?.startsWith('/') || value.startsWith('//') || value.startsWith('/\\') || value.length > 8192) return '/'
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  return /[\u0000-\u001f]/.test(value) ? '/' : value
}

const AUTHORIZE_PATHS = new Set(['/oauth/authorize', '/login/oauth/authorize'])

/**
 * What the login page knows of the request it signs in for: when `return_to` is an authorization
 * request, its `ui_locales` (OIDC Core §3.1.2.1) and, if the request is valid (a known client and a
 * registered redirect URI, checked as /oauth/authorize will), the application's name and redirect host.
 * An invalid one gets the plain page: /oauth/authorize shows the error after sign-in.
 */
async function signInContext(
  ctx: RequestContext<LoginPorts>,
  returnTo: string,
): Promise<{ ui: PageUi; application?: SignInFor }> {
  const url = new URL(returnTo, ctx.config.issuer)
  if (!AUTHORIZE_PATHS.has(url.pathname)) return { ui: pageUi(ctx) }
  // A parameter sent twice makes /oauth/authorize refuse the request (RFC 6749 §3.1): name nothing then.
  const names = [...url.searchParams.keys()]
  if (new Set(names).size !== names.length) return { ui: pageUi(ctx) }
  const params: Record<string, string> = Object.fromEntries(url.searchParams)
  const ui = pageUi(ctx, params.ui_locales)
  try {
    const req = await validateAuthorizeRequest(ctx.services, ctx.config.issuer, params, ctx.ip)
    const redirectHost = new URL(req.redirectUri).host || req.redirectUri
    return {
      ui,
      application: { name: req.client.name, redirectHost, logo: sameOriginLogo(req.client, ctx.config.issuer) },
    }
  } catch (e) {
    if (e instanceof RedirectableError || e instanceof UnredirectableError) return { ui }
    throw e
  }
}

export async function showLogin(ctx: RequestContext<LoginPorts>): Promise<Reply> {
  const returnTo = safeReturnTo(ctx.url.searchParams.get('return_to'))
  const { headers, csrf } = loginCsrf(ctx)
  // Signed in already: say as whom. The form stays, since prompt=login and max_age send signed-in users here.
  const sessionCookie = ctx.cookies.get(SESSION_COOKIE)
  const session = await ctx.services.sessions.resolve(sessionCookie)
  const signedIn = session && { username: session.user.username, csrf: csrfToken(sessionCookie!) }
  const { ui, application } = await signInContext(ctx, returnTo)
  return { type: 'html', html: loginPage(ui, { csrf, returnTo, signedIn, application }), headers }
}

/** The pre-login CSRF cookie (made when missing) and its token: for forms shown before a session exists. */
export function loginCsrf(ctx: RequestContext<unknown>): { headers: Headers; csrf: string } {
  let value = ctx.cookies.get(LOGIN_CSRF_COOKIE)
  const headers: Headers = []
  if (!value || !/^[A-Za-z0-9_-]{43}$/.test(value)) {
    value = randomBase64Url(32)
    headers.push(['Set-Cookie', cookie(ctx, LOGIN_CSRF_COOKIE, value, 3600)])
  }
  return { headers, csrf: csrfToken(value) }
}

/** The login form again after a failed attempt: `problem` picks the message, `retryAfter` the header. */
async function loginAgain(
  ctx: RequestContext<LoginPorts>,
  {
    returnTo,
    username,
    status,
    problem,
    retryAfter,
  }: {
    returnTo: string
    username: string
    status: 401 | 429 | 503
    problem: 'invalid' | 'limited' | 'busy'
    retryAfter?: number
  },
): Promise<Reply> {
  const { headers, csrf } = loginCsrf(ctx)
  if (retryAfter !== undefined) headers.push(['Retry-After', String(retryAfter)])
  const { ui, application } = await signInContext(ctx, returnTo)
  // Wrong credentials are shown at the password field; limits concern the whole form.
  const message = ui.t.login[problem]
  const errors = problem === 'invalid' ? { error: message } : { alert: message }
  return {
    type: 'html',
    status,
    headers,
    html: loginPage(ui, { csrf, returnTo, username, application, ...errors }),
  }
}

/** Every Argon2id slot is busy and the queue is full: a quick 503, not a failure to count. */
function hasherBusy(
  ctx: RequestContext<LoginPorts>,
  returnTo: string,
  username: string,
  busy: PasswordHasherBusy,
): Promise<Reply> {
  return loginAgain(ctx, { returnTo, username, status: 503, problem: 'busy', retryAfter: busy.retryAfter })
}

export async function submitLogin(ctx: RequestContext<LoginPorts>): Promise<Reply> {
  // Login CSRF: another site must not sign this browser in, even as an account of its own (the
  // route is same-origin only, and the token binds the form to this browser).
  const form = ctx.body
  const returnTo = safeReturnTo(form.return_to)
  if (!checkCsrf(ctx.cookies.get(LOGIN_CSRF_COOKIE), form.csrf_token))
    throw new FormExpired(`/login?return_to=${encodeURIComponent(returnTo)}`)
  const username = (form.username ?? '').slice(0, 256)
  // Saturated already: refuse before the rate-limit and user reads, so a login flood's excess costs
  // the event loop as little as possible (the token endpoint shares it). Same answer for every user.
  const refused = ctx.services.users.passwordHasher.refuseIfSaturated()
  if (refused) return hasherBusy(ctx, returnTo, username, refused)
  let signedIn: SignInResult
  try {
    signedIn = await signIn(ctx.services, username, form.password ?? '', ctx.ip)
  } catch (error) {
    if (!(error instanceof PasswordHasherBusy)) throw error
    return hasherBusy(ctx, returnTo, username, error)
  }
  if (signedIn.outcome === 'limited')
    return loginAgain(ctx, { returnTo, username, status: 429, problem: 'limited', retryAfter: signedIn.retryAfter })
  // One answer for unknown users, wrong passwords and disabled accounts.
  if (signedIn.outcome === 'refused') return loginAgain(ctx, { returnTo, username, status: 401, problem: 'invalid' })
  await ctx.services.sessions.end(ctx.cookies.get(SESSION_COOKIE))
  const { cookieValue } = await ctx.services.sessions.start(signedIn.user, ctx.ip, userAgent(ctx))
  return {
    type: 'redirect',
    status: 303,
    location: returnTo,
    headers: [['Set-Cookie', cookie(ctx, SESSION_COOKIE, cookieValue, ctx.config.sessionTtl)]],
  }
}

/** Issue 17: the browser's User-Agent, kept with the session so the user can tell their sessions apart. */
export function userAgent(ctx: RequestContext<unknown>): string | null {
  return ctx.request.headers.get('user-agent')
}

export async function showLogout(ctx: RequestContext<LoginPorts>): Promise<Reply> {
  const value = ctx.cookies.get(SESSION_COOKIE)
  const session = await ctx.services.sessions.resolve(value)
  if (!session) return { type: 'html', html: loggedOutPage(pageUi(ctx)) }
  return { type: 'html', html: logoutPage(pageUi(ctx), csrfToken(value!), session.user.username) }
}

export async function submitLogout(ctx: RequestContext<LoginPorts>): Promise<Reply> {
  const value = ctx.cookies.get(SESSION_COOKIE)
  if (!checkCsrf(value, ctx.body.csrf_token)) throw new FormExpired('/logout')
  await ctx.services.sessions.end(value)
  return {
    type: 'html',
    html: loggedOutPage(pageUi(ctx)),
    headers: [['Set-Cookie', cookie(ctx, SESSION_COOKIE, '', 0)]],
  }
}

export async function showHome(ctx: RequestContext<LoginPorts>): Promise<Reply> {
  const session = await ctx.services.sessions.resolve(ctx.cookies.get(SESSION_COOKIE))
  return { type: 'html', html: homePage(pageUi(ctx), session?.user.username) }
}

/**
 * Issue 17: the instance's logo, from the operator's file (read once at start-up, src/config.ts) or the
 * built-in one. An SVG opened on its own runs no script and loads nothing (its own CSP, sandboxed).
 */
export async function logo(ctx: RequestContext<unknown>): Promise<Reply> {
  const image = ctx.config.logoImage ?? { bytes: DEFAULT_LOGO_SVG, contentType: 'image/svg+xml' }
  const headers: Headers = [
    ['Cache-Control', 'public, max-age=3600'],
    ['X-Content-Type-Options', 'nosniff'],
  ]
  if (image.contentType === 'image/svg+xml')
    headers.push(['Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox"])
  return { type: 'text', body: image.bytes, contentType: image.contentType, headers }
}

export async function stylesheet(): Promise<Reply> {
  return {
    type: 'text',
    body: STYLESHEET,
    contentType: 'text/css; charset=utf-8',
    headers: [['Cache-Control', 'public, max-age=3600']],
  }
}
