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
  /** The authorization request, carried through the form unchanged and validated again on POST. */
  request: Record<string, string>
}

/** RFC 6749 §4.1 step (B): the user sees who asks for what, and approves or denies. */
export function consentPage(v: ConsentView): string {
  return layout(
    'Authorize access',
    html`<p><strong>${v.applicationName}</strong> wants to access your Latchkey account <strong>${v.username}</strong>.</p>
${v.alreadyApproved.length ? html`<p>It is asking for more access than you approved before. New:</p>` : html`<p>It will be able to:</p>`}
<ul class="scopes">${v.scopes.filter((s) => !v.alreadyApproved.includes(s.name)).map((s) => html`<li><code>${s.name}</code>: ${s.description}</li>`)}</ul>
${v.alreadyApproved.length ? html`<p>Already approved:</p><ul class="scopes">${v.scopes.filter((s) => v.alreadyApproved.includes(s.name)).map((s) => html`<li><code>${s.name}</code>: ${s.description}</li>`)}</ul>` : ''}
<p>You will be sent back to <strong>${v.redirectHost}</strong>.</p>
<form method="post" action="/oauth/authorize/decision">
${hiddenFields({ ...v.request, csrf_token: v.csrf })}
<button type="submit" name="decision" value="approve">Approve</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>`,
  )
}
