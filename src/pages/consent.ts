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
  /** The authorization request, carried through the form unchanged and validated again on POST. */
  request: Record<string, string>
}

/** A scope as the user reads it: its name and the operator's description of it. */
export const scopeItem = (s: Scope) => html`<li><code>${s.name}</code>: ${s.description}</li>`

/** RFC 6749 §4.1 step (B): the user sees who asks for what, and approves (primary) or denies. */
export function consentPage(ui: PageUi, v: ConsentView): string {
  const { t } = ui
  const asked = v.scopes.filter((s) => !v.alreadyApproved.includes(s.name))
  const approved = v.scopes.filter((s) => v.alreadyApproved.includes(s.name))
  return layout(
    t.consent.title,
    html`<p>${v.alreadyApproved.length ? t.consent.asksMore : t.consent.willBeAble}</p>
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
      lead: applicationLead(t.consent.wants(v.applicationName, v.username), v.applicationLogo),
      signedInAs: v.username,
    },
  )
}
