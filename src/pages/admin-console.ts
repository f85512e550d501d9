/**
 * @module
 * Issue 17: the admin console's shell (GET /admin) and GraphiQL's (GET /admin/graphiql), for a browser
 * session of an administrator or read-only administrator. The shell is markup only: the console's code
 * and style come from /admin/assets/ (http/console-assets.ts), GraphiQL's from /admin/graphiql/
 * (http/graphiql-assets.ts), so the pages run under a CSP without inline script. Each page carries the
 * session's CSRF token in `<meta name="latchkey-csrf">`, which its code sends to /graphql as
 * X-Latchkey-CSRF (graphql/http.ts).
 */
import type { Headers, Reply, RequestContext } from '../handler/context.ts'
import { RouteNotFound } from '../handler/errors.ts'
import { consoleLevel } from '../services/admin/access.ts'
import type { Port } from '../services/index.ts'
import { html, layout } from './html.ts'
import { requireSignedIn } from './session.ts'

/** What the console pages use: the session behind the cookie. */
export type ConsolePorts = Port<{ sessions: 'resolve' }>

/** The console's CSP (the contract in notes/contracts.md): its own script and style only. */
export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

/**
 * GraphiQL's: the same for script, but its editor (Monaco) adds `<style>` elements and style attributes
 * as it runs, so styles may be inline; script never is. Its language workers are files under
 * /admin/graphiql/ (worker-src 'self'), its icons data: URLs.
 */
export const GRAPHIQL_CSP =
  "default-src 'none'; script-src 'self'; worker-src 'self'; style-src 'self' 'unsafe-inline'; " +
  "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; " +
  "form-action 'none'"

type Admitted = { reply: Reply } | { username: string; csrf: string }

/** No session → sign in and come back; a session of someone who is not an administrator → a 403 page. */
async function admit(ctx: RequestContext<ConsolePorts>, returnTo: string): Promise<Admitted> {
  const signedIn = await requireSignedIn(ctx, returnTo)
  if ('reply' in signedIn) return signedIn
  const { user } = signedIn.session
  if (!consoleLevel(user)) return { reply: { type: 'html', status: 403, html: notAdministratorPage(user.username) } }
  return { username: user.username, csrf: signedIn.csrf }
}

export async function showConsole(ctx: RequestContext<ConsolePorts>): Promise<Reply> {
  const admitted = await admit(ctx, '/admin')
  if ('reply' in admitted) return admitted.reply
  const headers: Headers = [['Content-Security-Policy', CONSOLE_CSP]]
  return { type: 'html', html: consoleShell({ ...admitted, graphiql: ctx.config.graphiql }), headers }
}

export async function showGraphiQL(ctx: RequestContext<ConsolePorts>): Promise<Reply> {
  if (!ctx.config.graphiql) throw new RouteNotFound('GraphiQL is off (latchkey serve --graphiql turns it on)')
  const admitted = await admit(ctx, '/admin/graphiql')
  if ('reply' in admitted) return admitted.reply
  return { type: 'html', html: graphiqlShell(admitted), headers: [['Content-Security-Policy', GRAPHIQL_CSP]] }
}

/**
 * The console's page: `#app` is where its code renders; `latchkey-graphiql` names GraphiQL's address when
 * `--graphiql` serves it, so the console can link to it.
 */
export function consoleShell(v: { username: string; csrf: string; graphiql: boolean }): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="latchkey-csrf" content="${v.csrf}">
<meta name="latchkey-user" content="${v.username}">
${v.graphiql ? html`<meta name="latchkey-graphiql" content="/admin/graphiql">\n` : ''}<title>Latchkey console</title>
<link rel="stylesheet" href="/admin/assets/console.css">
<script type="module" src="/admin/assets/console.js"></script>
</head>
<body>
<div id="app"></div>
<noscript>The Latchkey console needs JavaScript. The command line (latchkey --help) manages everything too.</noscript>
</body>
</html>`.value
}

/** GraphiQL's page: its bundle, then boot.js, which starts it on `#root` with the CSRF header. */
export function graphiqlShell(v: { username: string; csrf: string }): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="latchkey-csrf" content="${v.csrf}">
<meta name="latchkey-user" content="${v.username}">
<title>GraphiQL · Latchkey</title>
<link rel="stylesheet" href="/admin/graphiql/graphiql.css">
<script src="/admin/graphiql/graphiql.js" defer></script>
<script src="/admin/graphiql/boot.js" defer></script>
</head>
<body class="no-focus-outline">
<div id="root"></div>
<noscript>GraphiQL needs JavaScript.</noscript>
</body>
</html>`.value
}

/** 403: signed in, but neither an administrator nor a read-only administrator. */
export function notAdministratorPage(username: string): string {
  return layout(
    'Administrators only',
    html`<p class="error" role="alert">You are signed in as <strong>${username}</strong>, who does not
administer Latchkey.</p>
<p>Ask an administrator to make your account an administrator or a read-only administrator, or
<a href="/logout">sign out</a> and sign in with another account.</p>
<p><a href="/">Go to the Latchkey home page</a></p>`,
  )
}
