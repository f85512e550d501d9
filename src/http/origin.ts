/**
 * @module
 * Form POSTs that act for a signed-in browser (consent, device approval, account changes, sign-in and
 * sign-out) must come from Latchkey's own pages. The CSRF token proves the form was rendered for this
 * browser's cookie; this check refuses a post another site sent, even one carrying a stolen or leaked
 * token (issue 14 §5, RFC 6749 §10.12). Browsers say where a request comes from in
 * `Sec-Fetch-Site` (Fetch Metadata) and `Origin` (RFC 6454 §7); a request with neither is a
 * non-browser client or an old browser, and only the CSRF token applies. Checked before the body is
 * read, so a cross-site post is refused whatever it carries.
 */
import type { RequestContext } from '../handler/context.ts'
import { AccessDenied } from '../handler/errors.ts'
import { fromOwnSite } from '../handler/same-origin.ts'

/** 403, shown as a page: the form was posted from another site. */
export class CrossSiteForm extends AccessDenied {
  override readonly status = 403
}

/** Throws CrossSiteForm when the form was posted from another site. Routes ask for it with `sameOrigin`. */
export function refuseCrossSite(ctx: RequestContext<unknown>): void {
  if (!fromOwnSite(ctx))
    throw new CrossSiteForm(
      'This form was sent from another site, so nothing was changed. Start again from the application.',
    )
}
