import { DEFAULT_UI, html, layout, type PageUi } from './html.ts'

/**
 * Shown when an authorization request cannot be redirected (unknown client or redirect URI). `code` and
 * `description` are the OAuth error's, in English as RFC 6749 §4.1.2.1 sends them to developers.
 */
export function errorPage(code: string, description: string, ui: PageUi = DEFAULT_UI): string {
  const { t } = ui
  return layout(
    t.errors.cannotContinueTitle,
    html`<p class="error" role="alert"><strong>${code}</strong>: ${description}</p>
<p>${t.errors.cannotContinue(ui.instanceName)}</p>`,
    { ui },
  )
}

/**
 * The one answer to a form whose CSRF token no longer matches (RFC 6749 §10.12, FormExpired): sign-in,
 * consent, device, account and sign-out forms alike. `startAgain` is the same-site page that shows the form anew.
 */
export function formExpiredPage(startAgain: string, ui: PageUi = DEFAULT_UI): string {
  const { t } = ui
  return layout(
    t.errors.formExpiredTitle,
    html`<p class="error" role="alert">${t.errors.formExpired(ui.instanceName)}</p>
<p><a href="${startAgain}">${t.errors.startAgain}</a></p>`,
    { ui },
  )
}

/** Unknown paths, for browsers (API clients get the JSON error). */
export function notFoundPage(ui: PageUi = DEFAULT_UI): string {
  const { t } = ui
  return layout(
    t.errors.notFoundTitle,
    html`<p>${t.errors.notFound}</p>
<p><a href="/">${t.errors.home}</a></p>`,
    { ui },
  )
}

/** 503: the database cannot be used right now (sent with Retry-After); nothing the visitor did wrong. */
export function unavailablePage(ui: PageUi = DEFAULT_UI): string {
  const { t } = ui
  return layout(
    t.errors.unavailableTitle,
    html`<p class="error" role="alert"><strong>temporarily_unavailable</strong>:
${t.errors.unavailable(ui.instanceName)}</p>
<p>${t.errors.unavailableHint}</p>`,
    { ui },
  )
}

/**
 * Issue 16: the signed-in account is outside every group the application is restricted to. The way
 * back sends RFC 6749 §4.1.2.1's `access_denied` to the client's (already validated) redirect URI.
 */
export function notAllowedPage(ui: PageUi, v: { applicationName: string; username: string; back: string }): string {
  const { t } = ui
  return layout(
    t.errors.notAllowedTitle,
    html`<p class="error" role="alert">${t.errors.notAllowed(v.username, v.applicationName)}</p>
<p>${t.errors.notAllowedHint}</p>
<p><a href="${v.back}">${t.errors.backTo(v.applicationName)}</a></p>`,
    { ui, signedInAs: v.username },
  )
}
