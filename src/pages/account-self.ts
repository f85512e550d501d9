/**
 * @module
 * Issue 17: the account pages a signed-in user manages themselves with (profile, password, sessions,
 * personal access tokens, beside /account/applications), the first-run setup page and the password-reset
 * page. Plain semantic markup (labels, fieldsets, buttons), no script; an error is shown beside the field
 * it is about (`aria-describedby`), a notice at the top.
 */
import { hiddenFields, html, layout, type SafeHtml } from './html.ts'

/** Field name → the message shown beside it; `form` for one about the whole form. */
export type FieldErrors = Partial<Record<string, string>>

/** The account pages, in the order the nav lists them. */
export const ACCOUNT_NAV = [
  ['/account', 'Profile'],
  ['/account/password', 'Password'],
  ['/account/sessions', 'Sessions'],
  ['/account/applications', 'Authorized applications'],
  ['/account/tokens', 'Personal access tokens'],
] as const

export function accountNav(current: string): SafeHtml {
  return html`<nav aria-label="Account"><ul class="account-nav">${ACCOUNT_NAV.map(
    ([href, label]) =>
      html`<li><a href="${href}"${href === current ? html` aria-current="page"` : ''}>${label}</a></li>`,
  )}</ul></nav>`
}

function notice(text: string | undefined): SafeHtml {
  return text ? html`<p class="notice" role="status">${text}</p>` : html``
}

function formError(errors: FieldErrors): SafeHtml {
  return errors.form ? html`<p class="error" role="alert">${errors.form}</p>` : html``
}

/** One labelled input with its error beside it. */
function field(
  o: {
    name: string
    label: string
    type?: 'text' | 'password' | 'email' | 'number'
    value?: string
    autocomplete?: string
    required?: boolean
    hint?: string
    extra?: SafeHtml
  },
  errors: FieldErrors,
): SafeHtml {
  const error = errors[o.name]
  const describedBy = [error ? `${o.name}-error` : '', o.hint ? `${o.name}-hint` : ''].filter(Boolean).join(' ')
  return html`<label for="${o.name}">${o.label}</label>
${o.hint ? html`<p class="hint" id="${o.name}-hint">${o.hint}</p>` : ''}
<input type="${o.type ?? 'text'}" id="${o.name}" name="${o.name}"${
    o.value !== undefined && o.type !== 'password' ? html` value="${o.value}"` : ''
  }${o.autocomplete ? html` autocomplete="${o.autocomplete}"` : ''}${o.required ? html` required` : ''}${
    error ? html` aria-invalid="true"` : ''
  }${describedBy ? html` aria-describedby="${describedBy}"` : ''}${o.extra ?? ''}>
${error ? html`<p class="error field-error" id="${o.name}-error">${error}</p>` : ''}`
}

function accountLayout(title: string, path: string, username: string, body: SafeHtml): string {
  return layout(
    title,
    html`${accountNav(path)}
<p>Signed in as <strong>${username}</strong>.</p>
${body}`,
  )
}

/** Epoch seconds as "2026-12-03 14:05 UTC". */
export function when(seconds: number): string {
  return `${new Date(seconds * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

export function profilePage(v: {
  csrf: string
  username: string
  name: string
  email: string
  emailVerified: boolean
  errors?: FieldErrors
  notice?: string
}): string {
  const errors = v.errors ?? {}
  return accountLayout(
    'Your profile',
    '/account',
    v.username,
    html`${notice(v.notice)}${formError(errors)}
<form method="post" action="/account">${hiddenFields({ csrf_token: v.csrf })}
${field({ name: 'name', label: 'Name', value: v.name, autocomplete: 'name' }, errors)}
${field(
  {
    name: 'email',
    label: 'E-mail address',
    type: 'email',
    value: v.email,
    autocomplete: 'email',
    hint: v.email
      ? v.emailVerified
        ? 'Verified by an administrator. Changing it makes it unverified again.'
        : 'Not verified. Changing it keeps it unverified until an administrator verifies it.'
      : 'A changed address is unverified until an administrator verifies it.',
  },
  errors,
)}
<button type="submit">Save</button>
</form>`,
  )
}

export function passwordPage(v: { csrf: string; username: string; errors?: FieldErrors; notice?: string }): string {
  const errors = v.errors ?? {}
  return accountLayout(
    'Change your password',
    '/account/password',
    v.username,
    html`${notice(v.notice)}${formError(errors)}
<form method="post" action="/account/password">${hiddenFields({ csrf_token: v.csrf })}
<input type="text" name="username" value="${v.username}" autocomplete="username" hidden>
${field(
  { name: 'current_password', label: 'Current password', type: 'password', autocomplete: 'current-password' },
  errors,
)}
${field(
  {
    name: 'new_password',
    label: 'New password',
    type: 'password',
    autocomplete: 'new-password',
    hint: 'At least 8 characters.',
  },
  errors,
)}
${field(
  { name: 'new_password_again', label: 'New password again', type: 'password', autocomplete: 'new-password' },
  errors,
)}
<p>Changing your password signs you out everywhere else; this browser stays signed in.</p>
<button type="submit">Change password</button>
</form>`,
  )
}

export interface SessionLine {
  id: string
  current: boolean
  createdAt: number
  lastSeenAt: number | null
  ip: string | null
  browser: string
}

export function sessionsPage(v: {
  csrf: string
  username: string
  sessions: SessionLine[]
  notice?: string
  error?: string
}): string {
  const others = v.sessions.filter((s) => !s.current).length
  return accountLayout(
    'Signed-in sessions',
    '/account/sessions',
    v.username,
    html`${notice(v.notice)}${v.error ? html`<p class="error" role="alert">${v.error}</p>` : ''}
<table class="sessions">
<thead><tr><th scope="col">Browser</th><th scope="col">From</th><th scope="col">Signed in</th>
<th scope="col">Last seen</th><th scope="col"><span class="visually-hidden">Action</span></th></tr></thead>
<tbody>${v.sessions.map(
      (s) => html`<tr><td>${s.browser}${s.current ? html` <strong>(this browser)</strong>` : ''}</td>
<td>${s.ip ?? 'unknown'}</td><td>${when(s.createdAt)}</td><td>${s.lastSeenAt === null ? '—' : when(s.lastSeenAt)}</td>
<td>${
        s.current
          ? html`<a href="/logout">Sign out</a>`
          : html`<form method="post" action="/account/sessions/revoke">${hiddenFields({
              csrf_token: v.csrf,
              session_id: s.id,
            })}<button type="submit">End this session</button></form>`
      }</td></tr>`,
    )}</tbody>
</table>
${
  others > 0
    ? html`<form method="post" action="/account/sessions/revoke">${hiddenFields({ csrf_token: v.csrf, others: '1' })}
<button type="submit">End all other sessions</button></form>`
    : html`<p>No other browser is signed in as you.</p>`
}`,
  )
}

export interface TokenLine {
  id: string
  hint: string
  prefix: string
  scopes: string[]
  createdAt: number
  expiresAt: number | null
  lastUsedAt: number | null
}

/**
 * Each scope is its own checkbox, `scope_<name>`: form parameters are never repeated (handler/params.ts,
 * RFC 6749 §3.1), so a list cannot share one name.
 */
export const SCOPE_FIELD = 'scope_'

export const TOKEN_LIFETIMES = [
  ['604800', '7 days'],
  ['2592000', '30 days'],
  ['7776000', '90 days'],
  ['31536000', '1 year'],
  ['', 'No expiry'],
] as const

export function tokensPage(v: {
  csrf: string
  username: string
  tokens: TokenLine[]
  scopes: Array<{ name: string; description: string }>
  /** The value of the token just made: shown this once. */
  created?: { value: string; scopes: string[] }
  form?: { scopes: string[]; expiresIn: string }
  errors?: FieldErrors
  notice?: string
}): string {
  const errors = v.errors ?? {}
  const chosen = new Set(v.form?.scopes ?? [])
  const expiresIn = v.form?.expiresIn ?? '2592000'
  return accountLayout(
    'Personal access tokens',
    '/account/tokens',
    v.username,
    html`${notice(v.notice)}${formError(errors)}
${
  v.created
    ? html`<section class="created" aria-labelledby="created-title">
<h2 id="created-title">Your new token</h2>
<p>Copy it now: it is shown only this once. It carries <code>${v.created.scopes.join(' ')}</code>.</p>
<p><label for="created-value">Token</label>
<input type="text" id="created-value" readonly value="${v.created.value}"></p>
</section>`
    : ''
}
<p>Personal access tokens let scripts and command-line tools act as you, with the scopes you choose.
Send one as <code>Authorization: Bearer TOKEN</code>.</p>
<h2>Your tokens</h2>
${
  v.tokens.length === 0
    ? html`<p>You have no active personal access token.</p>`
    : html`<ul class="tokens">${v.tokens.map(
        (t) => html`<li><code>${t.prefix}…${t.hint}</code> — <code>${t.scopes.join(' ')}</code>;
made ${when(t.createdAt)}; ${t.expiresAt === null ? 'never expires' : `expires ${when(t.expiresAt)}`};
${t.lastUsedAt === null ? 'never used' : `last used ${when(t.lastUsedAt)}`}
<form method="post" action="/account/tokens/revoke">${hiddenFields({ csrf_token: v.csrf, token_id: t.id })}
<button type="submit">Revoke</button></form></li>`,
      )}</ul>`
}
<h2>Make a token</h2>
<form method="post" action="/account/tokens">${hiddenFields({ csrf_token: v.csrf })}
<fieldset${errors.scopes ? html` aria-describedby="scopes-error"` : ''}>
<legend>Scopes</legend>
${v.scopes.map(
  (s) =>
    html`<label class="check"><input type="checkbox" name="${SCOPE_FIELD}${s.name}" value="1"${
      chosen.has(s.name) ? html` checked` : ''
    }> <code>${s.name}</code> — ${s.description}</label>`,
)}
${errors.scopes ? html`<p class="error field-error" id="scopes-error">${errors.scopes}</p>` : ''}
</fieldset>
<label for="expires_in">Expires after</label>
<select id="expires_in" name="expires_in"${errors.expires_in ? html` aria-describedby="expires_in-error"` : ''}>
${TOKEN_LIFETIMES.map(
  ([value, label]) => html`<option value="${value}"${value === expiresIn ? html` selected` : ''}>${label}</option>`,
)}
</select>
${errors.expires_in ? html`<p class="error field-error" id="expires_in-error">${errors.expires_in}</p>` : ''}
<button type="submit">Make token</button>
</form>`,
  )
}

/** The first-run page: the first administrator's username and password. */
export function setupPage(v: {
  csrf: string
  token: string
  username?: string
  email?: string
  errors?: FieldErrors
}): string {
  const errors = v.errors ?? {}
  return layout(
    'Set up Latchkey',
    html`<p>Welcome. This instance has no account yet: create its first administrator. This link works once.</p>
${formError(errors)}
<form method="post" action="/setup">${hiddenFields({ csrf_token: v.csrf, token: v.token })}
${field(
  { name: 'username', label: 'Username', value: v.username ?? '', autocomplete: 'username', required: true },
  errors,
)}
${field(
  { name: 'email', label: 'E-mail address (optional)', type: 'email', value: v.email ?? '', autocomplete: 'email' },
  errors,
)}
${field(
  {
    name: 'password',
    label: 'Password',
    type: 'password',
    autocomplete: 'new-password',
    required: true,
    hint: 'At least 8 characters.',
  },
  errors,
)}
${field(
  { name: 'password_again', label: 'Password again', type: 'password', autocomplete: 'new-password', required: true },
  errors,
)}
<button type="submit">Create administrator</button>
</form>`,
  )
}

/** A setup or reset link that cannot be used (one page for unknown, used, expired and replaced links). */
export function deadLinkPage(kind: 'setup' | 'reset'): string {
  return layout(
    'This link does not work',
    html`<p class="error" role="alert">This link cannot be used: it was used already, it expired, or a newer
one replaced it.</p>
${
  kind === 'setup'
    ? html`<p>If Latchkey is already set up, <a href="/login">sign in</a>. Otherwise restart
<code>latchkey serve</code>: it prints a new setup link while no account exists.</p>`
    : html`<p>Ask an administrator for a new link, or <a href="/login">sign in</a>.</p>`
}`,
  )
}

export function resetPage(v: { csrf: string; token: string; username: string; errors?: FieldErrors }): string {
  const errors = v.errors ?? {}
  return layout(
    'Choose a password',
    html`<p>Choose a new password for <strong>${v.username}</strong>. This link works once; afterwards
every browser signed in as you is signed out.</p>
${formError(errors)}
<form method="post" action="/account/reset">${hiddenFields({ csrf_token: v.csrf, token: v.token })}
<input type="text" name="username" value="${v.username}" autocomplete="username" hidden>
${field(
  {
    name: 'password',
    label: 'New password',
    type: 'password',
    autocomplete: 'new-password',
    required: true,
    hint: 'At least 8 characters.',
  },
  errors,
)}
${field(
  {
    name: 'password_again',
    label: 'New password again',
    type: 'password',
    autocomplete: 'new-password',
    required: true,
  },
  errors,
)}
<button type="submit">Set password</button>
</form>`,
  )
}

export function passwordSetPage(username: string): string {
  return layout(
    'Password set',
    html`<p class="notice" role="status">The password of <strong>${username}</strong> is set.</p>
<p><a href="/login">Sign in</a></p>`,
  )
}

/** "Firefox 133 on Linux" from a User-Agent header: enough to tell one's sessions apart. */
export function shortBrowser(userAgent: string | null): string {
  if (!userAgent) return 'Unknown browser'
  const browsers: Array<[RegExp, string]> = [
    [/Edg(?:e|A|iOS)?\/(\d+)/, 'Edge'],
    [/OPR\/(\d+)/, 'Opera'],
    [/Firefox\/(\d+)/, 'Firefox'],
    [/(?:Chrome|CriOS)\/(\d+)/, 'Chrome'],
    [/Version\/(\d+)[^ ]* .*Safari\//, 'Safari'],
    [/curl\/(\d+)/, 'curl'],
  ]
  const systems: Array<[RegExp, string]> = [
    [/Windows/, 'Windows'],
    [/iPhone|iPad|iPod/, 'iOS'],
    [/Mac OS X|Macintosh/, 'macOS'],
    [/Android/, 'Android'],
    [/CrOS/, 'ChromeOS'],
    [/Linux/, 'Linux'],
  ]
  const found = browsers.find(([re]) => re.test(userAgent))
  const system = systems.find(([re]) => re.test(userAgent))?.[1]
  if (!found) return userAgent.length > 40 ? `${userAgent.slice(0, 40)}…` : userAgent
  const version = userAgent.match(found[0])![1]
  return `${found[1]} ${version}${system ? ` on ${system}` : ''}`
}
