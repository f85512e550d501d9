import type { Scope } from '../services/scopes/scopes.ts'
import { hiddenFields, html, layout } from './html.ts'

export interface ConsentView {
  applicationName: string
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

/** Issue 18: a logo, the links and the "unverified" mark; every value escaped, links never followed by referrer. */
function aboutClient(c: NonNullable<ConsentView['client']>) {
  const link = (href: string | null, text: string) =>
    href ? html` <a href="${href}" rel="noopener noreferrer nofollow" target="_blank">${text}</a>` : ''
  const links = [link(c.clientUri, 'Website'), link(c.policyUri, 'Privacy policy'), link(c.tosUri, 'Terms')]
  return html`${c.logoUri ? html`<img class="client-logo" src="${c.logoUri}" alt="" width="48" height="48">` : ''}
${links.some(Boolean) ? html`<p class="client-links">${links}</p>` : ''}
${
  c.unverified
    ? html`<p class="unverified"><strong>Unverified:</strong> this application registered itself. Latchkey has not
checked its name, logo or links; approve only if you trust where you will be sent back to.</p>`
    : ''
}`
}

/** RFC 6749 §4.1 step (B): the user sees who asks for what, and approves or denies. */
export function consentPage(v: ConsentView): string {
  const item = (s: Scope) => html`<li><code>${s.name}</code>: ${s.description}</li>`
  const asked = v.scopes.filter((s) => !v.alreadyApproved.includes(s.name))
  const approved = v.scopes.filter((s) => v.alreadyApproved.includes(s.name))
  const intro = v.alreadyApproved.length
    ? html`<p>It is asking for more access than you approved before. New:</p>`
    : html`<p>It will be able to:</p>`
  const unverified = v.unverifiedHost
    ? html`<p class="unverified">You will be sent to <strong>${v.redirectHost}</strong>. The name below is the
application's own claim, <strong>unverified</strong>: it describes itself at <strong>${v.unverifiedHost}</strong>.</p>`
    : ''
  return layout(
    'Authorize access',
    html`${unverified}${v.client ? aboutClient(v.client) : ''}<p><strong>${v.applicationName}</strong>${
      v.client?.unverified || v.unverifiedHost ? ' (unverified)' : ''
    } wants to access your Latchkey account <strong>${v.username}</strong>.</p>
${intro}
<ul class="scopes">${asked.map(item)}</ul>
${v.alreadyApproved.length ? html`<p>Already approved:</p><ul class="scopes">${approved.map(item)}</ul>` : ''}
<p>You will be sent back to <strong>${v.redirectHost}</strong>.</p>
<form method="post" action="/oauth/authorize/decision">
${hiddenFields({ ...v.request, csrf_token: v.csrf })}
<button type="submit" name="decision" value="approve">Approve</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>`,
  )
}
