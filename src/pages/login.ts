import { hiddenFields, html, layout } from './html.ts'

export function loginPage({ csrf, returnTo, error, username }: { csrf: string; returnTo: string; error?: string; username?: string }): string {
  return layout(
    'Sign in',
    html`${error ? html`<p class="error" role="alert">${error}</p>` : ''}
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
  return layout('Signed out', html`<p>You are signed out of Latchkey.</p>`)
}

export function logoutPage(csrf: string, username: string): string {
  return layout(
    'Sign out',
    html`<p>Signed in as <strong>${username}</strong>.</p>
<form method="post" action="/logout">${hiddenFields({ csrf_token: csrf })}<button type="submit">Sign out</button></form>`,
  )
}

export function homePage(username: string | undefined): string {
  return layout(
    'Latchkey',
    html`<p>This is a Latchkey OAuth 2.0 and OpenID Connect provider.</p>
${username ? html`<p>Signed in as <strong>${username}</strong>. <a href="/logout">Sign out</a></p>` : html`<p><a href="/login">Sign in</a></p>`}`,
  )
}
