import type { Scope } from '../services/scopes/scopes.ts'
import { scopeItem } from './consent.ts'
import { actions, field, hiddenFields, html, layout, type PageUi } from './html.ts'
import { applicationLead } from './login.ts'

/** RFC 8628 §3.3: the user types (or confirms a prefilled) code; a wrong one is said at the field. */
export function deviceEntryPage(
  ui: PageUi,
  { csrf, userCode, error, username }: { csrf: string; userCode?: string; error?: string; username?: string },
): string {
  const { t } = ui
  return layout(
    t.device.entryTitle,
    html`<p>${t.device.entryIntro}</p>
<form method="post" action="/oauth/device">
${hiddenFields({ csrf_token: csrf })}
${field({
  id: 'user_code',
  label: t.device.code,
  value: userCode ?? '',
  error,
  attributes: html`autocomplete="one-time-code" autocapitalize="characters" spellcheck="false" required autofocus`,
})}
${actions(html`<button type="submit" class="primary">${t.device.submit}</button>`)}
</form>`,
    { ui, signedInAs: username },
  )
}

/** RFC 8628 §5.4: the user sees who asks for what, with a warning against remote phishing. */
export function deviceConfirmPage(
  ui: PageUi,
  {
    csrf,
    userCode,
    applicationName,
    applicationLogo,
    scopes,
    username,
  }: {
    csrf: string
    userCode: string
    applicationName: string
    applicationLogo?: string
    scopes: Scope[]
    username: string
  },
): string {
  const { t } = ui
  return layout(
    t.device.confirmTitle,
    html`<ul class="scopes">${scopes.map(scopeItem)}</ul>
<p class="notice">${t.device.warning(userCode)}</p>
<form method="post" action="/oauth/device/decision">
${hiddenFields({ csrf_token: csrf, user_code: userCode })}
${actions(
  html`<button type="submit" class="primary" name="decision" value="approve">${t.device.approve}</button>`,
  html`<button type="submit" name="decision" value="deny">${t.device.deny}</button>`,
)}
</form>`,
    { ui, signedInAs: username, lead: applicationLead(t.device.wants(applicationName, username), applicationLogo) },
  )
}

export function deviceDonePage(ui: PageUi, approved: boolean, username?: string): string {
  const { t } = ui
  return layout(
    approved ? t.device.connectedTitle : t.device.deniedTitle,
    html`<p class="${approved ? 'status' : 'notice'}" role="status">${
      approved ? t.device.connected : t.device.denied
    }</p>`,
    { ui, signedInAs: username },
  )
}

/** Issue 16: the account may not use the application; the device was told no. */
export function deviceNotAllowedPage(ui: PageUi, applicationName: string, username: string): string {
  const { t } = ui
  return layout(
    t.errors.notAllowedTitle,
    html`<p class="error" role="alert">${t.errors.notAllowed(username, applicationName)}</p>
<p>${t.device.notAllowedHint}</p>`,
    { ui, signedInAs: username },
  )
}
