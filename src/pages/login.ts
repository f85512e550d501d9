import { actions, field, hiddenFields, html, layout, type PageUi, type SafeHtml } from './html.ts'

/** The application an authorization request's sign-in is for (validated first: pages/handlers.ts). */
export interface SignInFor {
  name: string
  redirectHost: string
  /** A same-origin logo URL, or undefined (pages/application-logo.ts decides). */
  logo?: string
}

/** The application a page acts for: its logo (when it has one we may show), its name, where it leads. */
export function applicationLead(text: SafeHtml, logo: string | undefined, host?: SafeHtml): SafeHtml {
  return html`<div class="lead">${logo ? html`<img src="${logo}" alt="" width="40" height="40">` : ''}<div>
<p>${text}</p>${host ? html`<p class="host">${host}</p>` : ''}</div></div>`
}

/**
 * `signedIn`: the current session's user and its CSRF token, for the sign-out button. `error` is about
 * the credentials and shows at the password field; `alert` is about everything else (rate limits).
 */
export function loginPage(
  ui: PageUi,
  {
    csrf,
    returnTo,
    error,
    alert,
    username,
    signedIn,
    application,
  }: {
    csrf: string
    returnTo: string
    error?: string
    alert?: string
    username?: string
    signedIn?: { username: string; csrf: string }
    application?: SignInFor
  },
): string {
  const { t } = ui
  const lead =
    application &&
    applicationLead(
      t.login.continueTo(application.name),
      application.logo,
      t.login.sentBackTo(application.redirectHost),
    )
  return layout(
    t.login.title,
    html`${alert ? html`<p class="error" role="alert">${alert}</p>` : ''}
${
  signedIn
    ? html`<div class="notice"><p>${t.login.signedInNotice(signedIn.username)}
<a href="/">${t.login.continueToAccount}</a></p>
<form method="post" action="/logout">${hiddenFields({ csrf_token: signedIn.csrf })}
<button type="submit">${t.logout.submit}</button></form></div>
<p>${t.login.signInAgain}</p>`
    : ''
}
<form method="post" action="/login">
${hiddenFields({ csrf_token: csrf, return_to: returnTo })}
${field({
  id: 'username',
  label: t.login.username,
  value: username ?? '',
  attributes: html`autocomplete="username" autocapitalize="none" spellcheck="false" required${
    username ? '' : html` autofocus`
  }`,
})}
${field({
  id: 'password',
  label: t.login.password,
  type: 'password',
  error,
  attributes: html`autocomplete="current-password" required${username ? html` autofocus` : ''}`,
})}
${actions(html`<button type="submit" class="primary">${t.login.submit}</button>`)}
</form>`,
    { ui, lead },
  )
}

export function loggedOutPage(ui: PageUi): string {
  const { t } = ui
  return layout(
    t.logout.doneTitle,
    html`<p>${t.logout.done(ui.instanceName)}</p>
<p><a href="/login">${t.logout.signInAgain}</a></p>`,
    { ui },
  )
}

export function logoutPage(ui: PageUi, csrf: string, username: string): string {
  const { t } = ui
  return layout(
    t.logout.title,
    html`<p>${t.logout.signedInAs(username)}</p>
<form method="post" action="/logout">${hiddenFields({ csrf_token: csrf })}
${actions(html`<button type="submit" class="primary">${t.logout.submit}</button>`)}</form>`,
    { ui },
  )
}

export function homePage(ui: PageUi, username: string | undefined): string {
  const { t } = ui
  return layout(
    ui.instanceName,
    html`<p>${t.home.intro(ui.instanceName)}</p>
${
  username
    ? html`<ul class="links">
<li><a href="/account">${t.home.account}</a>: ${t.home.accountHint}</li>
<li><a href="/account/applications">${t.home.applications}</a>: ${t.home.applicationsHint}</li>
<li><a href="/oauth/device">${t.home.device}</a>: ${t.home.deviceHint}</li>
</ul>`
    : html`<p><a href="/login">${t.home.signIn}</a> ${t.home.signInHint}</p>`
}`,
    { ui, signedInAs: username },
  )
}
