/**
 * @module
 * Issue 17: the admin console's files, served at /admin/assets/<name> (http/console.ts). The console's
 * build replaces this module's insides with its bundle; what stays is the contract: `consoleAsset(name)`
 * gives a file's body and Content-Type, or undefined for a name the bundle does not have. Until then a
 * placeholder says who is signed in and that the console is not built, using only /graphql as the real
 * console will (its CSRF header from the page's meta tag).
 */
export interface ConsoleAsset {
  body: string | Uint8Array<ArrayBuffer>
  /** The Content-Type header, with a charset for text. */
  type: string
}

const PLACEHOLDER_JS = `const meta = (name) => document.querySelector(\`meta[name="\${name}"]\`)?.content ?? ''
const app = document.getElementById('app')
const say = (text) => {
  const p = document.createElement('p')
  p.textContent = text
  app.append(p)
}
say(\`Signed in as \${meta('latchkey-user')}. The Latchkey console is not part of this build yet.\`)
const res = await fetch('/graphql', {
  method: 'POST',
  credentials: 'same-origin',
  headers: { 'Content-Type': 'application/json', 'X-Latchkey-CSRF': meta('latchkey-csrf') },
  body: JSON.stringify({ query: '{ viewer { accessLevel } }' }),
})
if (res.status === 401) location.assign('/login?return_to=/admin')
else say(\`Access level: \${(await res.json()).data?.viewer?.accessLevel ?? 'unknown'}\`)
`

const PLACEHOLDER_CSS = `:root { color-scheme: light dark; font-family: system-ui, sans-serif; }
#app { max-width: 40rem; margin: 2rem auto; padding: 0 1.25rem; }
`

const ASSETS: Record<string, ConsoleAsset> = {
  'console.js': { body: PLACEHOLDER_JS, type: 'text/javascript; charset=utf-8' },
  'console.css': { body: PLACEHOLDER_CSS, type: 'text/css; charset=utf-8' },
}

export function consoleAsset(name: string): ConsoleAsset | undefined {
  return Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined
}
