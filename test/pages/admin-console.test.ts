/**
 * Issue 17: the admin console's page (GET /admin) and its files, and GraphiQL from the binary
 * (GET /admin/graphiql with --graphiql): who gets what, the meta tags and the strict CSP of the contract
 * (notes/contracts.md), and no inline script.
 */
import { describe, expect, test } from 'bun:test'
import { csrfToken } from '../../src/crypto/csrf.ts'
import { consoleAsset } from '../../src/http/console-assets.ts'
import { SESSION_COOKIE } from '../../src/services/sessions/sessions.ts'
import { PASSWORD } from '../helpers/fixtures.ts'
import { startServer } from '../helpers/server.ts'

async function world(config: Record<string, unknown> = {}) {
  const server = await startServer({ config })
  const s = server.provider.services
  const root = await s.users.create({ username: 'root', password: PASSWORD, isAdmin: true })
  const reader = await s.users.create({ username: 'reader', password: PASSWORD, isReadOnlyAdmin: true })
  const alice = await s.users.create({ username: 'alice', password: PASSWORD })
  const cookie = async (user: typeof root) => (await s.sessions.start(user, '127.0.0.1')).cookieValue
  return Object.assign(server, {
    cookies: { root: await cookie(root), reader: await cookie(reader), alice: await cookie(alice) },
  })
}

const get = (url: string, cookie?: string, headers: Record<string, string> = {}) =>
  fetch(url, { headers: { ...headers, ...(cookie && { Cookie: `${SESSION_COOKIE}=${cookie}` }) }, redirect: 'manual' })

/** Every <script> of a page has a src (nothing inline) and no element carries an inline style or handler. */
function expectNoInlineCode(page: string) {
  for (const tag of page.match(/<script\b[^>]*>/g) ?? []) expect(tag).toContain(' src="/admin/')
  expect(page).not.toMatch(/<script\b[^>]*>[^<]+<\/script>/)
  expect(page).not.toMatch(/<style\b|\sstyle=|\son[a-z]+=/i)
}

describe('issue 17: GET /admin, the console shell', () => {
  test('without a session → 303 to /login?return_to=/admin', async () => {
    await using server = await world()
    const res = await get(`${server.url}/admin`)
    expect(res.status).toBe(303)
    const location = new URL(res.headers.get('location')!, server.url)
    expect(location.pathname).toBe('/login')
    expect(location.searchParams.get('return_to')).toBe('/admin')
  })

  test('a signed-in user who administers nothing → a 403 page', async () => {
    await using server = await world()
    const res = await get(`${server.url}/admin`, server.cookies.alice)
    expect(res.status).toBe(403)
    const page = await res.text()
    expect(page).toContain('Administrators only')
    expect(page).not.toContain('latchkey-csrf')
  })

  test('an administrator gets the shell: meta tags, the contract’s CSP, a module script, no inline code', async () => {
    await using server = await world()
    const res = await get(`${server.url}/admin`, server.cookies.root)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-security-policy')).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    )
    expect(res.headers.get('x-frame-options')).toBe('DENY')
    expect(res.headers.get('cache-control')).toBe('no-store')
    const page = await res.text()
    expect(page).toContain(`<meta name="latchkey-csrf" content="${csrfToken(server.cookies.root)}">`)
    expect(page).toContain('<meta name="latchkey-user" content="root">')
    expect(page).toContain('<script type="module" src="/admin/assets/console.js"></script>')
    expect(page).toContain('<link rel="stylesheet" href="/admin/assets/console.css">')
    expect(page).toContain('<div id="app"></div>')
    expect(page).not.toContain('latchkey-graphiql')
    expectNoInlineCode(page)
  })

  test('a read-only administrator gets the shell too', async () => {
    await using server = await world()
    const res = await get(`${server.url}/admin`, server.cookies.reader)
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('<meta name="latchkey-user" content="reader">')
  })

  test('an ended session → back to /login', async () => {
    await using server = await world()
    await server.provider.services.sessions.end(server.cookies.root)
    expect((await get(`${server.url}/admin`, server.cookies.root)).status).toBe(303)
  })

  test('/admin/assets/<name> serves the bundle’s files with type, nosniff and an ETag; unknown → 404', async () => {
    await using server = await world()
    const js = await get(`${server.url}/admin/assets/console.js`)
    expect(js.status).toBe(200)
    expect(js.headers.get('content-type')).toBe(consoleAsset('console.js')!.type)
    expect(js.headers.get('x-content-type-options')).toBe('nosniff')
    expect(await js.text()).toBe(String(consoleAsset('console.js')!.body))
    const etag = js.headers.get('etag')!
    expect((await get(`${server.url}/admin/assets/console.js`, undefined, { 'If-None-Match': etag })).status).toBe(304)
    expect((await get(`${server.url}/admin/assets/console.css`)).headers.get('content-type')).toContain('text/css')
    for (const name of ['nope.js', '..%2Fconsole.js', '', '.hidden', 'a/b.js'])
      expect((await get(`${server.url}/admin/assets/${name}`)).status).toBe(404)
  })
})

describe('issue 17: GraphiQL from the binary at /admin/graphiql (--graphiql)', () => {
  test('off by default: /admin/graphiql and its files are 404; /graphql in a browser still gets 401', async () => {
    await using server = await world()
    expect((await get(`${server.url}/admin/graphiql`, server.cookies.root)).status).toBe(404)
    expect((await get(`${server.url}/admin/graphiql/graphiql.js`)).status).toBe(404)
    expect((await get(`${server.url}/graphql`, undefined, { Accept: 'text/html' })).status).toBe(401)
  })

  test('on: the same session rules as the console, a page with no inline script, its files served', async () => {
    await using server = await world({ graphiql: true })
    expect((await get(`${server.url}/admin/graphiql`)).status).toBe(303)
    expect((await get(`${server.url}/admin/graphiql`, server.cookies.alice)).status).toBe(403)
    const res = await get(`${server.url}/admin/graphiql`, server.cookies.root)
    expect(res.status).toBe(200)
    const csp = res.headers.get('content-security-policy')!
    expect(csp).toContain("script-src 'self';")
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).not.toMatch(/script-src[^;]*(unsafe|blob:|data:|https?:)/)
    const page = await res.text()
    expect(page).toContain(`<meta name="latchkey-csrf" content="${csrfToken(server.cookies.root)}">`)
    expectNoInlineCode(page)
    expect(page).not.toMatch(/https?:\/\//)
    const boot = await (await get(`${server.url}/admin/graphiql/boot.js`)).text()
    expect(boot).toContain("'X-Latchkey-CSRF': csrf")
    expect(boot).toContain("endpoint: '/graphql'")
    for (const name of ['graphiql.js', 'graphiql.css', 'editor.worker.js', 'json.worker.js', 'graphql.worker.js']) {
      const file = await get(`${server.url}/admin/graphiql/${name}`)
      expect(file.status).toBe(200)
      expect((await file.arrayBuffer()).byteLength).toBeGreaterThan(100_000)
    }
    // The shell links to it.
    expect(await (await get(`${server.url}/admin`, server.cookies.root)).text()).toContain(
      '<meta name="latchkey-graphiql" content="/admin/graphiql">',
    )
  }, 30_000)

  test('on: a browser opening /graphql is sent to /admin/graphiql; API calls are unchanged', async () => {
    await using server = await world({ graphiql: true })
    const res = await get(`${server.url}/graphql`, undefined, { Accept: 'text/html' })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/admin/graphiql')
    expect((await get(`${server.url}/graphql`, undefined, { Accept: 'application/json' })).status).toBe(401)
  })
})
