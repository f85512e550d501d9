import type { Scope } from '../services/scopes/scopes.ts'
import { actions, hiddenFields, html, layout, type PageUi } from './html.ts'
import { applicationLead } from './login.ts'

export interface ConsentView {
  applicationName: string
  /** A same-origin logo URL (pages/application-logo.ts), or undefined. */
  applicationLogo?: string
  redirectHost: string
  username: string
  scopes: Scope[]
  /** Scopes of this request the user approved before; the page asks again only for the rest. */
  alreadyApproved: string[]
  csrf: string
  /**
   * Issue 18: the client is known only by the metadata document at this host (its client_id URL's): its
   * name is its own claim, so the page says so and puts where the user will be sent first.
   */
  unverifiedHost?: string
  /** The authorization request, carried through the form unchanged and validated again on POST. */
  request: Record<string, string>
  /**
   * Issue 18, RFC 7591 §2: the client's logo and links (https, checked at registration), and whether
   * nobody vouched for them (the client registered itself, RFC 7591 §5): then the page says so.
   */
  client?: {
    logoUri: string | null
    clientUri: string | null
    policyUri: string | null
    tosUri: string | null
    unverified: boolean
  }
}

/**
 * Issue 18: the client's links and the "unverified" mark; every value escaped, links never followed by
 * referrer. Its logo is in the card's lead (the consent reply's CSP lets that logo's origin alone load).
 */
function aboutClient(ui: PageUi, c: NonNullable<ConsentView['client']>) {
  const { t } = ui
  const link = (href: string | null, text: string) =>
    href ? html` <a href="${href}" rel="noopener noreferrer nofollow" target="_blank">${text}</a>` : ''
  const links = [
    link(c.clientUri, t.consent.website),
    link(c.policyUri, t.consent.privacyPolicy),
    link(c.tosUri, t.consent.terms),
  ]
  return html`${links.some(Boolean) ? html`<p class="client-links">${links}</p>` : ''}
${c.unverified ? html`<p class="notice unverified">${t.consent.selfRegistered(ui.instanceName)}</p>` : ''}`
}

/** A scope as the user reads it: its name and the operator's description of it. */
export const scopeItem = (s: Scope) => html`<li><code>${s.name}</code>: ${s.description}</li>`

/** RFC 6749 §4.1 step (B): the user sees who asks for what, and approves (primary) or denies. */
export function consentPage(ui: PageUi, v: ConsentView): string {
  const { t } = ui
  const asked = v.scopes.filter((s) => !v.alreadyApproved.includes(s.name))
  const approved = v.scopes.filter((s) => v.alreadyApproved.includes(s.name))
  const unverified = v.client?.unverified || v.unverifiedHost !== undefined
  const wants = t.consent.wants(v.applicationName, v.username, unverified)
  return layout(
    t.consent.title,
    html`${v.client ? aboutClient(ui, v.client) : ''}
<p>${v.alreadyApproved.length ? t.consent.asksMore : t.consent.willBeAble}</p>
<ul class="scopes">${asked.map(scopeItem)}</ul>
${
  v.alreadyApproved.length
    ? html`<p>${t.consent.alreadyApproved}</p><ul class="scopes">${approved.map(scopeItem)}</ul>`
    : ''
}
<p>${t.consent.sentBackTo(v.redirectHost)}</p>
<form method="post" action="/oauth/authorize/decision">
${hiddenFields({ ...v.request, csrf_token: v.csrf })}
${actions(
  html`<button type="submit" class="primary" name="decision" value="approve">${t.consent.approve}</button>`,
  html`<button type="submit" name="decision" value="deny">${t.consent.deny}</button>`,
)}
</form>`,
    {
      ui,
      // Issue 18: for a metadata-document client, where the user will be sent comes before its claimed name.
      lead: html`${
        v.unverifiedHost
          ? html`<p class="notice unverified">${t.consent.unverifiedHost(v.redirectHost, v.unverifiedHost)}</p>`
          : ''
      }${applicationLead(wants, v.client?.logoUri ?? v.applicationLogo)}`,
      signedInAs: v.username,
    },
  )
}
