/**
 * @module
 * The page layout and its parts, on the escaping template of safe-html.ts (re-exported here): every
 * interpolated value is HTML-escaped unless it is itself the output of `html`. Pages are small,
 * server-rendered and need no JavaScript.
 */
import { DEFAULT_LOCALE, type Locale, type Messages, messagesFor } from './i18n.ts'
import { html, type SafeHtml } from './safe-html.ts'

export { html, type SafeHtml }

/** What every page is rendered with: the language picked for this request and the instance's name. */
export interface PageUi {
  locale: Locale
  t: Messages
  /** The operator's name for this instance (`--instance-name`), shown beside the logo and in titles. */
  instanceName: string
}

/** English and the default name: for pages rendered without a request (and other helpers' plain pages). */
export const DEFAULT_UI: PageUi = { locale: DEFAULT_LOCALE, t: messagesFor(DEFAULT_LOCALE), instanceName: 'Latchkey' }

/** One link of a page's navigation (pages/account-nav.ts builds the account pages' list). */
export interface NavEntry {
  href: string
  label: string
}

export interface LayoutOptions {
  ui?: PageUi
  /** A small navigation above the title; the entry whose href is `current` is marked as the current page. */
  nav?: { label: string; entries: NavEntry[]; current: string }
  /** The signed-in user's name: the header then says so and links to sign out. */
  signedInAs?: string
  /** Shown above the title inside the card, e.g. the application a sign-in is for. */
  lead?: SafeHtml
}

/**
 * The page around a body: a card under the instance's logo and name (/assets/logo, served from the
 * binary or the operator's file). No script, no inline style, nothing from another origin: the page
 * CSP (http/headers.ts) allows none of it.
 */
export function layout(title: string, body: SafeHtml, options: LayoutOptions = {}): string {
  const { ui = DEFAULT_UI, nav, signedInAs, lead } = options
  const { t, instanceName } = ui
  return html`<!doctype html>
<html lang="${ui.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="color-scheme" content="light dark">
<title>${title === instanceName ? title : `${title} · ${instanceName}`}</title>
<link rel="stylesheet" href="/assets/style.css">
</head>
<body>
<div class="page">
<header class="masthead">
<a class="brand" href="/"><img src="/assets/logo" alt="" width="32" height="32"><span>${instanceName}</span></a>
${
  signedInAs
    ? html`<p class="who">${t.layout.signedInAs(signedInAs)} · <a href="/logout">${t.layout.signOut}</a></p>`
    : ''
}
</header>
<main class="card">
${nav ? navigation(nav) : ''}
${lead ?? ''}
<h1>${title}</h1>
${body}
</main>
</div>
</body>
</html>`.value
}

function navigation({ label, entries, current }: NonNullable<LayoutOptions['nav']>): SafeHtml {
  return html`<nav aria-label="${label}"><ul>${entries.map(
    (e) => html`<li><a href="${e.href}"${e.href === current ? html` aria-current="page"` : ''}>${e.label}</a></li>`,
  )}</ul></nav>`
}

/**
 * A labelled input with its error beside it (WCAG 3.3.1): the message is tied to the field by
 * aria-describedby and the field is marked invalid. `attributes` is trusted markup (autocomplete etc.).
 */
export function field(v: {
  id: string
  label: string
  type?: 'text' | 'password' | 'email'
  value?: string
  error?: string
  attributes?: SafeHtml
}): SafeHtml {
  const errorId = `${v.id}-error`
  return html`<div class="field${v.error ? ' invalid' : ''}">
<label for="${v.id}">${v.label}</label>
<input type="${v.type ?? 'text'}" id="${v.id}" name="${v.id}"${v.value !== undefined ? html` value="${v.value}"` : ''}${
    v.error ? html` aria-invalid="true" aria-describedby="${errorId}"` : ''
  } ${v.attributes ?? ''}>
${v.error ? html`<p class="field-error" id="${errorId}" role="alert">${v.error}</p>` : ''}
</div>`
}

/** A form's buttons: the first is the primary action, the others secondary (e.g. Approve, then Deny). */
export function actions(...buttons: SafeHtml[]): SafeHtml {
  return html`<div class="actions">${buttons}</div>`
}

export function hiddenFields(fields: Record<string, string | undefined>): SafeHtml {
  return html`${Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">\n`)}`
}
