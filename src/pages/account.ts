import { accountNav } from './account-nav.ts'
import { hiddenFields, html, layout, type PageUi } from './html.ts'

export interface AuthorizedApplication {
  grantId: string
  applicationName: string
  scopes: string[]
  updatedAt: number
}

/** The user's authorized applications, each revocable (issue 3: self-service consents). */
export function accountApplicationsPage(
  ui: PageUi,
  {
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
  },
): string {
  const { t } = ui
  return layout(
    t.account.applicationsTitle,
    html`${notice ? html`<p class="status" role="status">${notice}</p>` : ''}
<p class="muted">${groups.length ? t.account.groups(groups) : t.account.noGroups}</p>
${grants.length === 0 ? html`<p>${t.account.noApplications}</p>` : ''}
<ul class="scopes">${grants.map(
      (g) => html`<li><strong>${g.applicationName}</strong> — <code>${g.scopes.join(' ')}</code>
<form method="post" action="/account/applications/revoke">${hiddenFields({ csrf_token: csrf, grant_id: g.grantId })}
<button type="submit">${t.account.revoke}</button></form></li>`,
    )}</ul>`,
    { ui, signedInAs: username, nav: accountNav(ui, '/account/applications') },
  )
}
