/** @module /account/applications: a signed-in user lists and revokes the applications they authorized. */
import type { Reply, RequestContext } from '../handler/context.ts'
import { accountApplicationsPage, type AuthorizedApplication } from './account.ts'
import { requireSignedIn, requireSignedInForm } from './session.ts'
import type { Port } from '../services/index.ts'
import { pageUi } from './ui.ts'

/** What the account pages use: the user's consents, their applications, and the session. */
export type AccountPorts = Port<{
  grants: 'listForUser' | 'findById' | 'revoke'
  applications: 'findById'
  sessions: 'resolve'
  groups: 'namesForUser'
}>

async function authorizedApplications(
  ctx: RequestContext<AccountPorts>,
  userId: string,
): Promise<AuthorizedApplication[]> {
  const grants = await ctx.services.grants.listForUser(userId)
  const list: AuthorizedApplication[] = []
  for (const g of grants) {
    const app = await ctx.services.applications.findById(g.applicationId)
    if (app) list.push({ grantId: g.id, applicationName: app.name, scopes: g.scopes, updatedAt: g.updatedAt })
  }
  return list
}

export async function showAccountApplications(ctx: RequestContext<AccountPorts>): Promise<Reply> {
  const signedIn = await requireSignedIn(ctx)
  if ('reply' in signedIn) return signedIn.reply
  const { session, csrf } = signedIn
  return {
    type: 'html',
    html: accountApplicationsPage(pageUi(ctx), {
      csrf,
      username: session.user.username,
      groups: await ctx.services.groups.namesForUser(session.user.id),
      grants: await authorizedApplications(ctx, session.user.id),
    }),
  }
}

export async function revokeAccountApplication(ctx: RequestContext<AccountPorts>): Promise<Reply> {
  const form = ctx.body
  const { session, csrf } = await requireSignedInForm(ctx, form.csrf_token)
  const grant = form.grant_id ? await ctx.services.grants.findById(form.grant_id) : undefined
  // Only the user's own grants; anything else looks like a grant that is already gone.
  const revoked =
    grant?.userId === session.user.id && (await ctx.services.grants.revoke(grant.id, session.user.id, ctx.ip))
  const ui = pageUi(ctx)
  const notice = revoked ? ui.t.account.revoked : ui.t.account.nothingToRevoke
  return {
    type: 'html',
    html: accountApplicationsPage(ui, {
      csrf,
      username: session.user.username,
      groups: await ctx.services.groups.namesForUser(session.user.id),
      grants: await authorizedApplications(ctx, session.user.id),
      notice,
    }),
  }
}
