import { html, layout } from './html.ts'

/** Shown when an authorization request cannot be redirected (unknown client or redirect URI). */
export function errorPage(code: string, description: string): string {
  return layout(
    'Cannot continue',
    html`<p class="error" role="alert"><strong>${code}</strong>: ${description}</p>
<p>The application that sent you here made a request that Latchkey cannot accept. You can close this page.</p>`,
  )
}

/** 503: the database cannot be used right now (sent with Retry-After); nothing the visitor did wrong. */
export function unavailablePage(): string {
  return layout(
    'Temporarily unavailable',
    html`<p class="error" role="alert"><strong>temporarily_unavailable</strong>: Latchkey cannot reach its database right now.</p>
<p>Nothing you did caused this. Wait a moment, then reload the page.</p>`,
  )
}
