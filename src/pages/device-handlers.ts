/**
 * @module
 * The device verification pages (RFC 8628 §3.3): enter or confirm the user code, then approve or
 * deny with an explicit POST. Wrong codes are counted per IP and never say whether a code exists.
 */
import type { Reply, RequestContext } from '../handler/context.ts'
import { TooManyRequests } from '../handler/errors.ts'
import { formatUserCode, normalizeUserCode } from '../services/tokens/device-codes.ts'
import { deviceConfirmPage, deviceDonePage, deviceEntryPage, deviceNotAllowedPage } from './device.ts'
import { requireSignedIn, requireSignedInForm } from './session.ts'
import type { Port } from '../services/index.ts'
import { sameOriginLogo } from './application-logo.ts'
import { pageUi } from './ui.ts'

/** What the RFC 8628 §3.3 verification pages use: the pending code, its application and scopes, the limit. */
export type DeviceVerificationPorts = Port<{
  sessions: 'resolve'
  rateLimits: 'retryAfter' | 'recordFailure'
  deviceCodes: 'findPending' | 'decide'
  applications: 'findById' | 'mayUse'
  scopes: 'describe'
}>

export async function showDeviceEntry(ctx: RequestContext<DeviceVerificationPorts>): Promise<Reply> {
  const signedIn = await requireSignedIn(ctx)
  if ('reply' in signedIn) return signedIn.reply
  const userCode = ctx.url.searchParams.get('user_code')?.slice(0, 32) ?? undefined
  // verification_uri_complete only pre-fills the form; nothing is approved without a POST (§5.4).
  const page = deviceEntryPage(pageUi(ctx), { csrf: signedIn.csrf, userCode, username: signedIn.session.user.username })
  return { type: 'html', html: page }
}

export async function submitDeviceCode(ctx: RequestContext<DeviceVerificationPorts>): Promise<Reply> {
  const form = ctx.body
  const signedIn = await requireSignedInForm(ctx, form.csrf_token)
  const wait = await ctx.services.rateLimits.retryAfter('userCodePerIp', ctx.ip)
  if (wait > 0) throw new TooManyRequests('Too many wrong codes. Wait a few minutes and try again.', wait)
  const userCode = (form.user_code ?? '').slice(0, 32)
  const pending = await ctx.services.deviceCodes.findPending(userCode)
  const application = pending && (await ctx.services.applications.findById(pending.applicationId))
  const ui = pageUi(ctx)
  const username = signedIn.session.user.username
  if (!pending || !application) {
    await ctx.services.rateLimits.recordFailure('userCodePerIp', ctx.ip)
    const page = deviceEntryPage(ui, { csrf: signedIn.csrf, userCode, error: ui.t.device.wrongCode, username })
    return { type: 'html', status: 400, html: page }
  }
  if (!(await ctx.services.applications.mayUse(application, signedIn.session.user.id)))
    return refuseDevice(ctx, userCode, signedIn.session, application.name)
  return {
    type: 'html',
    // As the device shows it (RFC 8628 §6.1), however it was typed: the user compares the two.
    html: deviceConfirmPage(ui, {
      csrf: signedIn.csrf,
      userCode: formatUserCode(normalizeUserCode(userCode)),
      applicationName: application.name,
      applicationLogo: sameOriginLogo(application, ctx.config.issuer),
      scopes: await ctx.services.scopes.describe(pending.scopes),
      username,
    }),
  }
}

export async function submitDeviceDecision(ctx: RequestContext<DeviceVerificationPorts>): Promise<Reply> {
  const form = ctx.body
  const signedIn = await requireSignedInForm(ctx, form.csrf_token)
  const approve = form.decision === 'approve'
  const { session } = signedIn
  if (approve) {
    const pending = await ctx.services.deviceCodes.findPending(form.user_code ?? '')
    const application = pending && (await ctx.services.applications.findById(pending.applicationId))
    if (application && !(await ctx.services.applications.mayUse(application, session.user.id)))
      return refuseDevice(ctx, form.user_code ?? '', session, application.name)
  }
  const decided = await ctx.services.deviceCodes.decide(
    form.user_code ?? '',
    session.user.id,
    session.authTime,
    approve,
    ctx.ip,
  )
  const ui = pageUi(ctx)
  const username = session.user.username
  if (!decided) {
    const page = deviceEntryPage(ui, { csrf: signedIn.csrf, error: ui.t.device.wrongCode, username })
    return { type: 'html', status: 400, html: page }
  }
  return { type: 'html', html: deviceDonePage(ui, approve, username) }
}

/**
 * Issue 16: the signed-in account is outside the application's groups. The request is denied, so
 * the device's next poll gets `access_denied` (RFC 8628 §3.5), and the user is told why (403).
 */
async function refuseDevice(
  ctx: RequestContext<DeviceVerificationPorts>,
  userCode: string,
  session: { user: { id: string; username: string }; authTime: number },
  applicationName: string,
): Promise<Reply> {
  await ctx.services.deviceCodes.decide(userCode, session.user.id, session.authTime, false, ctx.ip)
  ctx.log.error = 'access_denied'
  const page = deviceNotAllowedPage(pageUi(ctx), applicationName, session.user.username)
  return { type: 'html', status: 403, html: page }
}
