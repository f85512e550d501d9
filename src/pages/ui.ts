/** @module The PageUi of a request: its language (pages/i18n.ts) and the instance's name from the config. */
import type { RequestContext } from '../handler/context.ts'
import { messagesFor, negotiateLocale } from './i18n.ts'
import type { PageUi } from './html.ts'

/**
 * `uiLocales`: OIDC Core §3.1.2.1's parameter when the page belongs to an authorization request (the
 * consent form and the login page carry it along); otherwise the request's own `ui_locales`, if any.
 */
export function pageUi(ctx: RequestContext<unknown>, uiLocales?: string): PageUi {
  const asked = uiLocales ?? ctx.body.ui_locales ?? ctx.query.ui_locales ?? ctx.url.searchParams.get('ui_locales')
  const locale = negotiateLocale(asked, ctx.request.headers.get('accept-language'))
  return { locale, t: messagesFor(locale), instanceName: ctx.config.instanceName }
}
