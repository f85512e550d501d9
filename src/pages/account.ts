import { accountNav } from './account-self.ts'
import { hiddenFields, html, layout } from './html.ts'

export interface AuthorizedApplication {
  grantId: string
  applicationName: string
  scopes: string[]
  updatedAt: number
}

/** The user's authorized applications, each revocable (issue 3: self-service consents). */
export function accountApplicationsPage({
  csrf,
  username,
  groups,
  grants,
  notice,
}: {
  csrf: string
  username: string
  /** The user's group names (issue 16): what an application granted the groups scope learns. */
  groups: string[]
  grants: AuthorizedApplication[]
  notice?: string
}): string {
  return layout(
    'Authorized applications',
    html`${accountNav('/account/applications')}
<p>Signed in as <strong>${username}</strong>.</p>
<p>${groups.length ? html`Your groups: ${groups.join(', ')}.` : 'You belong to no group.'}</p>
${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
${grants.length === 0 ? html`<p>You have not authorized any application.</p>` : ''}
<ul class="scopes">${grants.map(
      (g) => html`<li><strong>${g.applicationName}</strong> — <code>${g.scopes.join(' ')}</code>
<form method="post" action="/account/applications/revoke">${hiddenFields({ csrf_token: csrf, grant_id: g.grantId })}
<button type="submit">Revoke</button></form></li>`,
    )}</ul>`,
  )
}
