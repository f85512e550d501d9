/**
 * @module
 * Issue 17: the pages behind one-time links, used before anyone is signed in: /setup (the first
 * administrator, from the link `latchkey serve` prints on an empty database) and /account/reset (a
 * password-reset or invitation link an administrator made). The rules are users/links.ts's; these
 * pages check the form (CSRF cookie, the password typed twice) and show errors beside their fields.
 * The token travels in the query string and the form, never in a log (the request log names the path).
 */
import { PasswordHasherBusy } from '../crypto/passwords.ts'
import type { Reply, RequestContext } from '../handler/context.ts'
import { FormExpired } from '../handler/errors.ts'
import type { Port } from '../services/index.ts'
import { DomainError } from '../services/shared/errors.ts'
import { deadLinkPage, type FieldErrors, passwordSetPage, resetPage, setupPage } from './account-self.ts'
import { checkCsrf } from '../crypto/csrf.ts'
import type { PageUi } from './html.ts'
import { cookie, LOGIN_CSRF_COOKIE, loginCsrf, SESSION_COOKIE, userAgent } from './handlers.ts'
import { pageUi } from './ui.ts'

export type LinkPorts = Port<{
  links: 'setupUsable' | 'completeSetup' | 'resetUser' | 'completeReset'
  sessions: 'start' | 'end'
}>

/** Where the first administrator lands: the console. A fixed path, never a parameter (no open redirect). */
const AFTER_SETUP = '/admin'

/** A service's error as the message beside its field (`fields` maps the service's name to the form's). */
export function fieldErrors(e: DomainError, fields: Record<string, string>): FieldErrors {
  const name = e.field?.split('.')[0]
  const message = e.field && e.message.startsWith(`${e.field}: `) ? e.message.slice(e.field.length + 2) : e.message
  const text = message.charAt(0).toUpperCase() + message.slice(1)
  return { [(name && fields[name]) || 'form']: text.endsWith('.') ? text : `${text}.` }
}

const busy = (ui: PageUi): FieldErrors => ({ form: ui.t.accountPages.busy(ui.instanceName) })

/** Both password fields must agree, and say so beside the second. */
function twice(ui: PageUi, password: string, again: string, field: string): FieldErrors | undefined {
  return password === again ? undefined : { [field]: ui.t.accountPages.passwordsDiffer }
}

export async function showSetup(ctx: RequestContext<LinkPorts>): Promise<Reply> {
  const token = ctx.query.token
  if (!(await ctx.services.links.setupUsable(token)))
    return { type: 'html', status: 404, html: deadLinkPage(pageUi(ctx), 'setup') }
  const { headers, csrf } = loginCsrf(ctx)
  return { type: 'html', headers, html: setupPage(pageUi(ctx), { csrf, token: token! }) }
}

export async function submitSetup(ctx: RequestContext<LinkPorts>): Promise<Reply> {
  const form = ctx.body
  const token = form.token ?? ''
  if (!checkCsrf(ctx.cookies.get(LOGIN_CSRF_COOKIE), form.csrf_token))
    throw new FormExpired(`/setup?token=${encodeURIComponent(token)}`)
  const username = (form.username ?? '').slice(0, 256)
  const email = (form.email ?? '').slice(0, 256)
  const again = (v: FieldErrors, status = 400): Reply => {
    const { headers, csrf } = loginCsrf(ctx)
    return { type: 'html', status, headers, html: setupPage(pageUi(ctx), { csrf, token, username, email, errors: v }) }
  }
  const mismatch = twice(pageUi(ctx), form.password ?? '', form.password_again ?? '', 'password_again')
  if (mismatch) return again(mismatch)
  try {
    const user = await ctx.services.links.completeSetup(token, {
      username,
      email: email || null,
      password: form.password ?? '',
    })
    await ctx.services.sessions.end(ctx.cookies.get(SESSION_COOKIE))
    const { cookieValue } = await ctx.services.sessions.start(user, ctx.ip, userAgent(ctx))
    return {
      type: 'redirect',
      status: 303,
      location: AFTER_SETUP,
      headers: [['Set-Cookie', cookie(ctx, SESSION_COOKIE, cookieValue, ctx.config.sessionTtl)]],
    }
  } catch (e) {
    if (e instanceof PasswordHasherBusy) return again(busy(pageUi(ctx)), 503)
    if (!(e instanceof DomainError)) throw e
    if (e.field === 'token') return { type: 'html', status: 404, html: deadLinkPage(pageUi(ctx), 'setup') }
    return again(fieldErrors(e, { username: 'username', email: 'email', password: 'password' }))
  }
}

export async function showReset(ctx: RequestContext<LinkPorts>): Promise<Reply> {
  const token = ctx.query.token
  const user = await ctx.services.links.resetUser(token)
  if (!user) return { type: 'html', status: 404, html: deadLinkPage(pageUi(ctx), 'reset') }
  const { headers, csrf } = loginCsrf(ctx)
  return { type: 'html', headers, html: resetPage(pageUi(ctx), { csrf, token: token!, username: user.username }) }
}

export async function submitReset(ctx: RequestContext<LinkPorts>): Promise<Reply> {
  const form = ctx.body
  const token = form.token ?? ''
  if (!checkCsrf(ctx.cookies.get(LOGIN_CSRF_COOKIE), form.csrf_token))
    throw new FormExpired(`/account/reset?token=${encodeURIComponent(token)}`)
  const user = await ctx.services.links.resetUser(token)
  if (!user) return { type: 'html', status: 404, html: deadLinkPage(pageUi(ctx), 'reset') }
  const again = (v: FieldErrors, status = 400): Reply => {
    const { headers, csrf } = loginCsrf(ctx)
    return {
      type: 'html',
      status,
      headers,
      html: resetPage(pageUi(ctx), { csrf, token, username: user.username, errors: v }),
    }
  }
  const mismatch = twice(pageUi(ctx), form.password ?? '', form.password_again ?? '', 'password_again')
  if (mismatch) return again(mismatch)
  try {
    const done = await ctx.services.links.completeReset(token, form.password ?? '', ctx.ip)
    return { type: 'html', html: passwordSetPage(pageUi(ctx), done.username) }
  } catch (e) {
    if (e instanceof PasswordHasherBusy) return again(busy(pageUi(ctx)), 503)
    if (!(e instanceof DomainError)) throw e
    if (e.field === 'token') return { type: 'html', status: 404, html: deadLinkPage(pageUi(ctx), 'reset') }
    return again(fieldErrors(e, { password: 'password' }))
  }
}
