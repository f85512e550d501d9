/**
 * @module
 * The login and logout pages. A successful login always starts a new session (a new cookie value),
 * so a cookie planted before login is useless afterwards (session fixation).
 */
import { PasswordHasherBusy } from '../crypto/passwords.ts'
import { randomBase64Url } from '../crypto/secrets.ts'
import type { Headers, Reply, RequestContext } from '../handler/context.ts'
import { FormExpired } from '../handler/errors.ts'
import { checkCsrf, csrfToken } from './csrf.ts'
import { homePage, loggedOutPage, loginPage, logoutPage } from './login.ts'
import { STYLESHEET } from './style.ts'
import type { Port } from '../services/index.ts'
import { signIn, type SignInDeps, type SignInResult } from '../services/users/sign-in.ts'
import { SESSION_COOKIE } from '../services/sessions/sessions.ts'

/** What the login and logout pages use: sign-in checks and sessions. */
export type LoginPorts = SignInDeps & Port<{ users: 'passwordHasher'; sessions: 'resolve' | 'start' | 'end' }>

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

export async function showLogin(ctx: RequestContext<LoginPorts>): Promise<Reply> {
  const returnTo = safeReturnTo(ctx.url.searchParams.get('return_to'))
  const { headers, csrf } = loginCsrf(ctx)
  // Signed in already: say as whom. The form stays, since prompt=login and max_age send signed-in users here.
  const sessionCookie = ctx.cookies.get(SESSION_COOKIE)
  const session = await ctx.services.sessions.resolve(sessionCookie)
  const signedIn = session && { username: session.user.username, csrf: csrfToken(sessionCookie!) }
  return { type: 'html', html: loginPage({ csrf, returnTo, signedIn }), headers }
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

/** Every Argon2id slot is busy and the queue is full: a quick 503, not a failure to count. */
function hasherBusy(
  ctx: RequestContext<LoginPorts>,
  returnTo: string,
  username: string,
  busy: PasswordHasherBusy,
): Reply {
  const { headers, csrf } = loginCsrf(ctx)
  headers.push(['Retry-After', String(busy.retryAfter)])
  return {
    type: 'html',
    status: 503,
    headers,
    html: loginPage({
      csrf,
      returnTo,
      error: 'Too many sign-ins at this moment. Try again in a few seconds.',
      username,
    }),
  }
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
  if (signedIn.outcome === 'limited') {
    const { headers, csrf } = loginCsrf(ctx)
    headers.push(['Retry-After', String(signedIn.retryAfter)])
    return {
      type: 'html',
      status: 429,
      headers,
      html: loginPage({
        csrf,
        returnTo,
        error: 'Too many failed sign-in attempts. Wait a few minutes and try again.',
        username,
      }),
    }
  }
  if (signedIn.outcome === 'refused') {
    const { headers, csrf } = loginCsrf(ctx)
    // One answer for unknown users, wrong passwords and disabled accounts.
    return {
      type: 'html',
      status: 401,
      headers,
      html: loginPage({ csrf, returnTo, error: 'Invalid username or password.', username }),
    }
  }
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
  if (!session) return { type: 'html', html: loggedOutPage() }
  return { type: 'html', html: logoutPage(csrfToken(value!), session.user.username) }
}

export async function submitLogout(ctx: RequestContext<LoginPorts>): Promise<Reply> {
  const value = ctx.cookies.get(SESSION_COOKIE)
  if (!checkCsrf(value, ctx.body.csrf_token)) throw new FormExpired('/logout')
  await ctx.services.sessions.end(value)
  return { type: 'html', html: loggedOutPage(), headers: [['Set-Cookie', cookie(ctx, SESSION_COOKIE, '', 0)]] }
}

export async function showHome(ctx: RequestContext<LoginPorts>): Promise<Reply> {
  const session = await ctx.services.sessions.resolve(ctx.cookies.get(SESSION_COOKIE))
  return { type: 'html', html: homePage(session?.user.username) }
}

export async function stylesheet(): Promise<Reply> {
  return {
    type: 'text',
    body: STYLESHEET,
    contentType: 'text/css; charset=utf-8',
    headers: [['Cache-Control', 'public, max-age=3600']],
  }
}
