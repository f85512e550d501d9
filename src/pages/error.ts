import { html, layout } from './html.ts'

/** Shown when an authorization request cannot be redirected (unknown client or redirect URI). */
export function errorPage(code: string, description: string): string {
  return layout(
    'Cannot continue',
    html`<p class="error" role="alert"><strong>${code}</strong>: ${description}</p>
<p>The application that sent you here made a request that Latchkey cannot accept. You can close this page.</p>`,
  )
}

/**
 * The one answer to a form whose CSRF token no longer matches (RFC 6749 §10.12, FormExpired): sign-in,
 * consent, device, account and sign-out forms alike. `startAgain` is the same-site page that shows the form anew.
 */
export function formExpiredPage(startAgain: string): string {
  return layout(
    'This form has expired',
    html`<p class="error" role="alert">Latchkey did not act on this form: it was open too long, or it was sent
from another browser or session (for example after signing out). Nothing was changed.</p>
<p><a href="${startAgain}">Start again</a></p>`,
  )
}

/** Unknown paths, for browsers (API clients get the JSON error). */
export function notFoundPage(): string {
  return layout(
    'Page not found',
    html`<p>There is no page at this address.</p>
<p><a href="/">Go to the Latchkey home page</a></p>`,
  )
}

/** 503: the database cannot be used right now (sent with Retry-After); nothing the visitor did wrong. */
export function unavailablePage(): string {
  return layout(
    'Temporarily unavailable',
    html`<p class="error" role="alert"><strong>temporarily_unavailable</strong>:
Latchkey cannot reach its database right now.</p>
<p>Nothing you did caused this. Wait a moment, then reload the page.</p>`,
  )
}

/**
 * Issue 16: the signed-in account is outside every group the application is restricted to. The way
 * back sends RFC 6749 §4.1.2.1's `access_denied` to the client's (already validated) redirect URI.
 */
export function notAllowedPage(v: { applicationName: string; username: string; back: string }): string {
  return layout(
    'Not allowed',
    html`<p class="error" role="alert">Your account <strong>${v.username}</strong> is not allowed to use
<strong>${v.applicationName}</strong>.</p>
<p>Its administrators have opened it only to members of certain groups. Ask them to add you, or sign in
with another account.</p>
<p><a href="${v.back}">Back to ${v.applicationName}</a></p>`,
  )
}
