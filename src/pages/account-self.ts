/**
 * @module
 * Issue 17: the account pages a signed-in user manages themselves with (profile, password, sessions,
 * personal access tokens, beside /account/applications), the first-run setup page and the password-reset
 * page. Plain semantic markup (labels, fieldsets, buttons), no script; an error is shown beside the field
 * it is about (`aria-describedby`), a notice at the top.
 */
import { accountNav } from './account-nav.ts'
import { actions, hiddenFields, html, layout, type PageUi, type SafeHtml } from './html.ts'

/** Field name → the message shown beside it; `form` for one about the whole form. */
export type FieldErrors = Partial<Record<string, string>>

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

/** An account page: the account nav (pages/account-nav.ts) and who is signed in, in the page's language. */
function accountLayout(ui: PageUi, title: string, path: string, username: string, body: SafeHtml): string {
  return layout(title, body, { ui, nav: accountNav(ui, path), signedInAs: username })
}

const primary = (label: string) => actions(html`<button type="submit" class="primary">${label}</button>`)

/** Epoch seconds as "2026-12-03 14:05 UTC". */
export function when(seconds: number): string {
  return `${new Date(seconds * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

export function profilePage(
  ui: PageUi,
  v: {
    csrf: string
    username: string
    name: string
    email: string
    emailVerified: boolean
    errors?: FieldErrors
    notice?: string
  },
): string {
  const errors = v.errors ?? {}
  const m = ui.t.accountPages
  return accountLayout(
    ui,
    m.profileTitle,
    '/account',
    v.username,
    html`${notice(v.notice)}${formError(errors)}
<form method="post" action="/account">${hiddenFields({ csrf_token: v.csrf })}
${field({ name: 'name', label: m.name, value: v.name, autocomplete: 'name' }, errors)}
${field(
  {
    name: 'email',
    label: m.email,
    type: 'email',
    value: v.email,
    autocomplete: 'email',
    hint: v.email ? (v.emailVerified ? m.emailVerified : m.emailUnverified) : m.emailNone,
  },
  errors,
)}
${primary(m.save)}
</form>`,
  )
}

export function passwordPage(
  ui: PageUi,
  v: { csrf: string; username: string; errors?: FieldErrors; notice?: string },
): string {
  const errors = v.errors ?? {}
  const m = ui.t.accountPages
  return accountLayout(
    ui,
    m.passwordTitle,
    '/account/password',
    v.username,
    html`${notice(v.notice)}${formError(errors)}
<form method="post" action="/account/password">${hiddenFields({ csrf_token: v.csrf })}
<input type="text" name="username" value="${v.username}" autocomplete="username" hidden>
${field(
  { name: 'current_password', label: m.currentPassword, type: 'password', autocomplete: 'current-password' },
  errors,
)}
${field(
  {
    name: 'new_password',
    label: m.newPassword,
    type: 'password',
    autocomplete: 'new-password',
    hint: m.atLeast8,
  },
  errors,
)}
${field(
  { name: 'new_password_again', label: m.newPasswordAgain, type: 'password', autocomplete: 'new-password' },
  errors,
)}
<p>${m.passwordSignsOut}</p>
${primary(m.changePassword)}
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

export function sessionsPage(
  ui: PageUi,
  v: {
    csrf: string
    username: string
    sessions: SessionLine[]
    notice?: string
    error?: string
  },
): string {
  const others = v.sessions.filter((s) => !s.current).length
  const m = ui.t.accountPages
  return accountLayout(
    ui,
    m.sessionsTitle,
    '/account/sessions',
    v.username,
    html`${notice(v.notice)}${v.error ? html`<p class="error" role="alert">${v.error}</p>` : ''}
<table class="sessions">
<thead><tr><th scope="col">${m.browser}</th><th scope="col">${m.from}</th><th scope="col">${m.signedIn}</th>
<th scope="col">${m.lastSeen}</th><th scope="col"><span class="visually-hidden">${m.action}</span></th></tr></thead>
<tbody>${v.sessions.map(
      (s) => html`<tr><td>${s.browser}${s.current ? html` <strong>${m.thisBrowser}</strong>` : ''}</td>
<td>${s.ip ?? m.unknown}</td><td>${when(s.createdAt)}</td><td>${s.lastSeenAt === null ? '—' : when(s.lastSeenAt)}</td>
<td>${
        s.current
          ? html`<a href="/logout">${ui.t.layout.signOut}</a>`
          : html`<form method="post" action="/account/sessions/revoke">${hiddenFields({
              csrf_token: v.csrf,
              session_id: s.id,
            })}<button type="submit">${m.endSession}</button></form>`
      }</td></tr>`,
    )}</tbody>
</table>
${
  others > 0
    ? html`<form method="post" action="/account/sessions/revoke">${hiddenFields({ csrf_token: v.csrf, others: '1' })}
<button type="submit">${m.endOthers}</button></form>`
    : html`<p>${m.noOthers}</p>`
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

export function tokensPage(
  ui: PageUi,
  v: {
    csrf: string
    username: string
    tokens: TokenLine[]
    scopes: Array<{ name: string; description: string }>
    /** The value of the token just made: shown this once. */
    created?: { value: string; scopes: string[] }
    form?: { scopes: string[]; expiresIn: string }
    errors?: FieldErrors
    notice?: string
  },
): string {
  const errors = v.errors ?? {}
  const chosen = new Set(v.form?.scopes ?? [])
  const expiresIn = v.form?.expiresIn ?? '2592000'
  const m = ui.t.accountPages
  return accountLayout(
    ui,
    m.tokensTitle,
    '/account/tokens',
    v.username,
    html`${notice(v.notice)}${formError(errors)}
${
  v.created
    ? html`<section class="created" aria-labelledby="created-title">
<h2 id="created-title">${m.newToken}</h2>
<p>${m.copyNow(v.created.scopes.join(' '))}</p>
<p><label for="created-value">${m.token}</label>
<input type="text" id="created-value" readonly value="${v.created.value}"></p>
</section>`
    : ''
}
<p>${m.tokensIntro}</p>
<h2>${m.yourTokens}</h2>
${
  v.tokens.length === 0
    ? html`<p>${m.noTokens}</p>`
    : html`<ul class="tokens">${v.tokens.map(
        (t) => html`<li><code>${t.prefix}…${t.hint}</code> — <code>${t.scopes.join(' ')}</code>;
${m.made(when(t.createdAt))}; ${t.expiresAt === null ? m.neverExpires : m.expires(when(t.expiresAt))};
${t.lastUsedAt === null ? m.neverUsed : m.lastUsed(when(t.lastUsedAt))}
<form method="post" action="/account/tokens/revoke">${hiddenFields({ csrf_token: v.csrf, token_id: t.id })}
<button type="submit">${m.revoke}</button></form></li>`,
      )}</ul>`
}
<h2>${m.makeToken}</h2>
<form method="post" action="/account/tokens">${hiddenFields({ csrf_token: v.csrf })}
<fieldset${errors.scopes ? html` aria-describedby="scopes-error"` : ''}>
<legend>${m.scopes}</legend>
${v.scopes.map(
  (s) =>
    html`<label class="check"><input type="checkbox" name="${SCOPE_FIELD}${s.name}" value="1"${
      chosen.has(s.name) ? html` checked` : ''
    }> <code>${s.name}</code> — ${s.description}</label>`,
)}
${errors.scopes ? html`<p class="error field-error" id="scopes-error">${errors.scopes}</p>` : ''}
</fieldset>
<label for="expires_in">${m.expiresAfter}</label>
<select id="expires_in" name="expires_in"${errors.expires_in ? html` aria-describedby="expires_in-error"` : ''}>
${TOKEN_LIFETIMES.map(
  ([value]) =>
    html`<option value="${value}"${value === expiresIn ? html` selected` : ''}>${m.lifetimes[value]}</option>`,
)}
</select>
${errors.expires_in ? html`<p class="error field-error" id="expires_in-error">${errors.expires_in}</p>` : ''}
${primary(m.make)}
</form>`,
  )
}

/** The first-run page: the first administrator's username and password. */
export function setupPage(
  ui: PageUi,
  v: {
    csrf: string
    token: string
    username?: string
    email?: string
    errors?: FieldErrors
  },
): string {
  const errors = v.errors ?? {}
  const m = ui.t.links
  return layout(
    m.setupTitle(ui.instanceName),
    html`<p>${m.setupIntro}</p>
${formError(errors)}
<form method="post" action="/setup">${hiddenFields({ csrf_token: v.csrf, token: v.token })}
${field(
  { name: 'username', label: m.username, value: v.username ?? '', autocomplete: 'username', required: true },
  errors,
)}
${field({ name: 'email', label: m.emailOptional, type: 'email', value: v.email ?? '', autocomplete: 'email' }, errors)}
${field(
  {
    name: 'password',
    label: m.password,
    type: 'password',
    autocomplete: 'new-password',
    required: true,
    hint: ui.t.accountPages.atLeast8,
  },
  errors,
)}
${field(
  { name: 'password_again', label: m.passwordAgain, type: 'password', autocomplete: 'new-password', required: true },
  errors,
)}
${primary(m.createAdmin)}
</form>`,
    { ui },
  )
}

/** A setup or reset link that cannot be used (one page for unknown, used, expired and replaced links). */
export function deadLinkPage(ui: PageUi, kind: 'setup' | 'reset'): string {
  const m = ui.t.links
  return layout(
    m.deadTitle,
    html`<p class="error" role="alert">${m.dead}</p>
<p>${kind === 'setup' ? m.deadSetup(ui.instanceName) : m.deadReset}</p>`,
    { ui },
  )
}

export function resetPage(
  ui: PageUi,
  v: { csrf: string; token: string; username: string; errors?: FieldErrors },
): string {
  const errors = v.errors ?? {}
  const m = ui.t.links
  return layout(
    m.resetTitle,
    html`<p>${m.resetIntro(v.username)}</p>
${formError(errors)}
<form method="post" action="/account/reset">${hiddenFields({ csrf_token: v.csrf, token: v.token })}
<input type="text" name="username" value="${v.username}" autocomplete="username" hidden>
${field(
  {
    name: 'password',
    label: m.newPassword,
    type: 'password',
    autocomplete: 'new-password',
    required: true,
    hint: ui.t.accountPages.atLeast8,
  },
  errors,
)}
${field(
  {
    name: 'password_again',
    label: m.newPasswordAgain,
    type: 'password',
    autocomplete: 'new-password',
    required: true,
  },
  errors,
)}
${primary(m.setPassword)}
</form>`,
    { ui },
  )
}

export function passwordSetPage(ui: PageUi, username: string): string {
  const m = ui.t.links
  return layout(
    m.passwordSetTitle,
    html`<p class="status" role="status">${m.passwordSet(username)}</p>
<p><a href="/login">${m.signIn}</a></p>`,
    { ui },
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
