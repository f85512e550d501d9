import { hiddenFields, html, layout } from './html.ts'

/** `signedIn`: the current session's user and its CSRF token, for the sign-out button. */
export function loginPage({
  csrf,
  returnTo,
  error,
  username,
  signedIn,
}: {
  csrf: string
  returnTo: string
  error?: string
  username?: string
  signedIn?: { username: string; csrf: string }
}): string {
  return layout(
    'Sign in',
    html`${error ? html`<p class="error" role="alert">${error}</p>` : ''}
${
  signedIn
    ? html`<p class="notice">You are signed in as <strong>${signedIn.username}</strong>.
<a href="/">Continue to your account</a></p>
<form method="post" action="/logout">${hiddenFields({ csrf_token: signedIn.csrf })}
<button type="submit">Sign out</button></form>
<p>Or sign in again, as yourself or someone else:</p>`
    : ''
}
<form method="post" action="/login">
${hiddenFields({ csrf_token: csrf, return_to: returnTo })}
<label for="username">Username</label>
<input type="text" id="username" name="username" autocomplete="username" required value="${username ?? ''}" autofocus>
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>`,
  )
}

export function loggedOutPage(): string {
  return layout(
    'Signed out',
    html`<p>You are signed out of Latchkey.</p>
<p><a href="/login">Sign in again</a></p>`,
  )
}

export function logoutPage(csrf: string, username: string): string {
  return layout(
    'Sign out',
    html`<p>Signed in as <strong>${username}</strong>.</p>
<form method="post" action="/logout">${hiddenFields({ csrf_token: csrf })}
<button type="submit">Sign out</button></form>`,
  )
}

export function homePage(username: string | undefined): string {
  return layout(
    'Latchkey',
    html`<p>This is a Latchkey OAuth 2.0 and OpenID Connect provider.</p>
${
  username
    ? html`<p>Signed in as <strong>${username}</strong>.</p>
<ul>
<li><a href="/account">Your account</a>: profile, password, sessions and personal access tokens</li>
<li><a href="/account/applications">Authorized applications</a>: see and revoke what you let applications do</li>
<li><a href="/oauth/device">Connect a device</a>: enter the code a TV, command line or git helper shows</li>
<li><a href="/logout">Sign out</a></li>
</ul>`
    : html`<p><a href="/login">Sign in</a> to see and revoke the applications you authorized,
or to connect a device.</p>`
}`,
  )
}
