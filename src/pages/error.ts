import { html, layout } from './html.ts'

/** Shown when an authorization request cannot be redirected (unknown client or redirect URI). */
export function errorPage(code: string, description: string): string {
  return layout(
    'Cannot continue',
    html`<p class="error" role="alert"><strong>${code}</strong>: ${description}</p>
<p>The application that sent you here made a request that Latchkey cannot accept. You can close this page.</p>`,
  )
}
