/**
 * @module
 * Issue 17: /account self-service for a signed-in user: profile (name, e-mail), password, sessions and
 * personal access tokens (/account/applications is account-handlers.ts). Every rule is a service's (the
 * users service's update and password rules, the sessions service, the personal-token rules the CLI
 * uses); these handlers read the form, check the session and its CSRF token, and show the page again
 * with the error beside its field, nothing written.
 */
import { PasswordHasherBusy } from '../crypto/passwords.ts'
import type { Reply, RequestContext } from '../handler/context.ts'
import type { Port } from '../services/index.ts'
import { DomainError } from '../services/shared/errors.ts'
import type { Session } from '../services/sessions/sessions.ts'
import {
  type FieldErrors,
  passwordPage,
  profilePage,
  SCOPE_FIELD,
  sessionsPage,
  shortBrowser,
  TOKEN_LIFETIMES,
  tokensPage,
} from './account-self.ts'
import { fieldErrors } from './link-handlers.ts'
import { requireSignedIn, requireSignedInForm } from './session.ts'
import { pageUi } from './ui.ts'

export type AccountSelfPorts = Port<{
  users: 'update' | 'changeOwnPassword'
  sessions: 'resolve' | 'touch' | 'listOfUser' | 'endOfUser' | 'endOthers'
  admin: 'tokens'
}>
type Ctx = RequestContext<AccountSelfPorts>

/** The signed-in session for a page (recording that it was seen), or the redirect to sign in. */
async function signedIn(ctx: Ctx): Promise<{ session: Session; csrf: string } | { reply: Reply }> {
  const s = await requireSignedIn(ctx)
  if ('session' in s) await ctx.services.sessions.touch(s.session)
  return s
}

const page = (html: string, status = 200): Reply => ({ type: 'html', status, html })

// Profile

function profile(ctx: Ctx, session: Session, csrf: string, extra: { errors?: FieldErrors; notice?: string } = {}) {
  const u = session.user
  return profilePage(pageUi(ctx), {
    csrf,
    username: u.username,
    name: u.name ?? '',
    email: u.email ?? '',
    emailVerified: u.emailVerified,
    ...extra,
  })
}

export async function showProfile(ctx: Ctx): Promise<Reply> {
  const s = await signedIn(ctx)
  if ('reply' in s) return s.reply
  return page(profile(ctx, s.session, s.csrf))
}

/** Name and e-mail through users.update, which clears email_verified when the address changes. */
export async function submitProfile(ctx: Ctx): Promise<Reply> {
  const { session, csrf } = await requireSignedInForm(ctx, ctx.body.csrf_token)
  const name = (ctx.body.name ?? '').trim()
  const email = (ctx.body.email ?? '').trim()
  try {
    const user = await ctx.services.users.update(
      session.user.username,
      { name: name || null, email: email || null },
      session.user.id,
    )
    return page(profile(ctx, { ...session, user }, csrf, { notice: pageUi(ctx).t.accountPages.profileSaved }))
  } catch (e) {
    if (!(e instanceof DomainError)) throw e
    const shown = { ...session, user: { ...session.user, name, email } }
    return page(profile(ctx, shown, csrf, { errors: fieldErrors(e, { name: 'name', email: 'email' }) }), 400)
  }
}

// Password

export async function showPassword(ctx: Ctx): Promise<Reply> {
  const s = await signedIn(ctx)
  if ('reply' in s) return s.reply
  return page(passwordPage(pageUi(ctx), { csrf: s.csrf, username: s.session.user.username }))
}

/** Asks for the current password; ends every other session of the user, keeps this one. */
export async function submitPassword(ctx: Ctx): Promise<Reply> {
  const { session, csrf } = await requireSignedInForm(ctx, ctx.body.csrf_token)
  const form = ctx.body
  const username = session.user.username
  const ui = pageUi(ctx)
  const m = ui.t.accountPages
  const shown = (errors: FieldErrors, status = 400) => page(passwordPage(ui, { csrf, username, errors }), status)
  if ((form.new_password ?? '') !== (form.new_password_again ?? ''))
    return shown({ new_password_again: m.newPasswordsDiffer })
  try {
    await ctx.services.users.changeOwnPassword(
      session.user.id,
      form.current_password ?? '',
      form.new_password ?? '',
      session.id,
    )
  } catch (e) {
    if (e instanceof PasswordHasherBusy) return shown({ form: m.busy(ui.instanceName) }, 503)
    if (!(e instanceof DomainError)) throw e
    return shown(fieldErrors(e, { currentPassword: 'current_password', newPassword: 'new_password' }))
  }
  return page(passwordPage(ui, { csrf, username, notice: m.passwordChanged }))
}

// Sessions

async function sessions(ctx: Ctx, session: Session, csrf: string, extra: { notice?: string; error?: string } = {}) {
  const list = await ctx.services.sessions.listOfUser(session.user.id)
  return sessionsPage(pageUi(ctx), {
    csrf,
    username: session.user.username,
    sessions: list.map((s) => ({
      id: s.id,
      current: s.id === session.id,
      createdAt: s.createdAt,
      lastSeenAt: s.lastSeenAt,
      ip: s.ip,
      browser: shortBrowser(s.userAgent),
    })),
    ...extra,
  })
}

export async function showSessions(ctx: Ctx): Promise<Reply> {
  const s = await signedIn(ctx)
  if ('reply' in s) return s.reply
  return page(await sessions(ctx, s.session, s.csrf))
}

/** Ends one session (`session_id`, never this one: that is signing out) or every other (`others`). */
export async function revokeSession(ctx: Ctx): Promise<Reply> {
  const { session, csrf } = await requireSignedInForm(ctx, ctx.body.csrf_token)
  const form = ctx.body
  const m = pageUi(ctx).t.accountPages
  if (form.others) {
    const n = await ctx.services.sessions.endOthers(session.user.id, session.id, ctx.ip)
    const notice = m.othersEnded(n)
    return page(await sessions(ctx, session, csrf, { notice }))
  }
  const id = form.session_id ?? ''
  const ended = id !== session.id && id !== '' && (await ctx.services.sessions.endOfUser(session.user.id, id, ctx.ip))
  return ended
    ? page(await sessions(ctx, session, csrf, { notice: m.sessionEnded }))
    : page(
        await sessions(ctx, session, csrf, {
          error: id === session.id ? m.endThisBySigningOut : m.alreadyEnded,
        }),
        id === session.id ? 400 : 404,
      )
}

// Personal access tokens

async function tokens(
  ctx: Ctx,
  session: Session,
  csrf: string,
  extra: Partial<Pick<Parameters<typeof tokensPage>[1], 'created' | 'form' | 'errors' | 'notice'>> = {},
) {
  const admin = ctx.services.admin.tokens
  const [list, scopes] = await Promise.all([
    admin.listPersonal({ userId: session.user.id, active: true }),
    admin.personalScopesFor(session.user),
  ])
  return tokensPage(pageUi(ctx), {
    csrf,
    username: session.user.username,
    tokens: list,
    scopes: scopes.map((s) => ({ name: s.name, description: s.description })),
    ...extra,
  })
}

export async function showTokens(ctx: Ctx): Promise<Reply> {
  const s = await signedIn(ctx)
  if ('reply' in s) return s.reply
  return page(await tokens(ctx, s.session, s.csrf))
}

/** The CLI's `token create` rules (checkPersonalToken), limited to the scopes this user may hold. */
export async function createToken(ctx: Ctx): Promise<Reply> {
  const { session, csrf } = await requireSignedInForm(ctx, ctx.body.csrf_token)
  const scopes = Object.keys(ctx.body)
    .filter((k) => k.startsWith(SCOPE_FIELD))
    .map((k) => k.slice(SCOPE_FIELD.length))
  const expiresIn = ctx.body.expires_in ?? ''
  const form = { scopes, expiresIn }
  if (!TOKEN_LIFETIMES.some(([value]) => value === expiresIn))
    return page(
      await tokens(ctx, session, csrf, { form, errors: { expires_in: pageUi(ctx).t.accountPages.chooseLifetime } }),
      400,
    )
  try {
    const made = await ctx.services.admin.tokens.createOwnPersonal(session.user, {
      scopes,
      expiresIn: expiresIn === '' ? null : Number(expiresIn),
    })
    return page(await tokens(ctx, session, csrf, { created: { value: made.token, scopes: made.view.scopes } }))
  } catch (e) {
    if (!(e instanceof DomainError)) throw e
    const errors = fieldErrors(e, { scopes: 'scopes', expiresIn: 'expires_in' })
    return page(await tokens(ctx, session, csrf, { form, errors }), 400)
  }
}

export async function revokeToken(ctx: Ctx): Promise<Reply> {
  const { session, csrf } = await requireSignedInForm(ctx, ctx.body.csrf_token)
  try {
    await ctx.services.admin.tokens.revokeOwnPersonal(session.user.id, ctx.body.token_id ?? '')
  } catch (e) {
    if (!(e instanceof DomainError)) throw e
    return page(await tokens(ctx, session, csrf, { errors: { form: pageUi(ctx).t.accountPages.tokenNotFound } }), 404)
  }
  return page(await tokens(ctx, session, csrf, { notice: pageUi(ctx).t.accountPages.tokenRevoked }))
}
