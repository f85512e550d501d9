import type { Scope } from '../services/scopes/scopes.ts'
import { hiddenFields, html, layout } from './html.ts'

/** RFC 8628 §3.3: the user types (or confirms a prefilled) code. */
export function deviceEntryPage({
  csrf,
  userCode,
  error,
}: {
  csrf: string
  userCode?: string
  error?: string
}): string {
  return layout(
    'Connect a device',
    html`${error ? html`<p class="error" role="alert">${error}</p>` : ''}
<p>Enter the code shown on your device.</p>
<form method="post" action="/oauth/device">
${hiddenFields({ csrf_token: csrf })}
<label for="user_code">Code</label>
<input type="text" id="user_code" name="user_code" autocomplete="one-time-code" autocapitalize="characters"
spellcheck="false" required value="${userCode ?? ''}" autofocus>
<button type="submit">Continue</button>
</form>`,
  )
}

/** RFC 8628 §5.4: the user sees who asks for what, with a warning against remote phishing. */
export function deviceConfirmPage({
  csrf,
  userCode,
  applicationName,
  scopes,
  username,
}: {
  csrf: string
  userCode: string
  applicationName: string
  scopes: Scope[]
  username: string
}): string {
  return layout(
    'Authorize a device',
    html`<p><strong>${applicationName}</strong> on a device wants to access your Latchkey account
<strong>${username}</strong>.</p>
<ul class="scopes">${scopes.map((s) => html`<li><code>${s.name}</code>: ${s.description}</li>`)}</ul>
<p class="notice">Only continue if you started this on your own device just now
and the code <strong>${userCode}</strong> matches what it shows. Never approve a code someone sent you.</p>
<form method="post" action="/oauth/device/decision">
${hiddenFields({ csrf_token: csrf, user_code: userCode })}
<button type="submit" name="decision" value="approve">Approve</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>`,
  )
}

export function deviceDonePage(approved: boolean): string {
  return layout(
    approved ? 'Device connected' : 'Request denied',
    html`<p>${approved ? 'You can return to your device.' : 'The device was not given access.'}</p>`,
  )
}

/** Issue 16: the account may not use the application; the device was told no. */
export function deviceNotAllowedPage(applicationName: string, username: string): string {
  return layout(
    'Not allowed',
    html`<p class="error" role="alert">Your account <strong>${username}</strong> is not allowed to use
<strong>${applicationName}</strong>.</p>
<p>Its administrators have opened it only to members of certain groups. The device has been told no;
ask them to add you, or sign in with another account and start again on the device.</p>`,
  )
}
