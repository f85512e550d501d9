/**
 * Issue 17: the admin console and GraphiQL call /graphql with the browser's session cookie. The CSRF
 * rule (graphql/http.ts): only a POST of application/json (or a GET, queries only) carrying
 * X-Latchkey-CSRF = csrfToken(session cookie), from this instance's own origin, is executed; the
 * session's user must be an administrator (level admin) or a read-only administrator (level read).
 */
import { describe, expect, test } from 'bun:test'
import { csrfToken } from '../../src/crypto/csrf.ts'
import { SESSION_COOKIE } from '../../src/services/sessions/sessions.ts'
import { startServer, type TestServer } from '../helpers/server.ts'
import { PASSWORD } from '../helpers/fixtures.ts'
import { gql, seedAdminWorld } from './support.ts'

const VIEWER = '{ viewer { accessLevel canWrite user { username } } }'
const CREATE_SCOPE = 'mutation { createScope(input: {name: "s17", description: "d"}) { __typename } }'

async function world() {
  const server = await startServer()
  const s = server.provider.services
  const w = await seedAdminWorld(s)
  const reader = await s.users.create({ username: 'reader', password: PASSWORD, isReadOnlyAdmin: true })
  const cookieOf = async (user: { id: string }) => (await s.sessions.start(user as never, '127.0.0.1')).cookieValue
  return Object.assign(server, {
    w,
    cookies: { root: await cookieOf(w.root), alice: await cookieOf(w.alice), reader: await cookieOf(reader) },
  })
}

interface Call {
  cookie?: string
  csrf?: string | null
  method?: 'GET' | 'POST'
  contentType?: string
  headers?: Record<string, string>
  query?: string
}

/** A request as the console sends it, with whatever the test changes. */
async function call(server: TestServer, c: Call) {
  const query = c.query ?? VIEWER
  const headers: Record<string, string> = { ...c.headers }
  if (c.cookie) headers.Cookie = `${SESSION_COOKIE}=${c.cookie}`
  const csrf = c.csrf === undefined ? c.cookie && csrfToken(c.cookie) : c.csrf
  if (csrf) headers['X-Latchkey-CSRF'] = csrf
  const method = c.method ?? 'POST'
  let url = `${server.url}/graphql`
  let body: string | undefined
  if (method === 'GET') url += `?query=${encodeURIComponent(query)}`
  else {
    headers['Content-Type'] = c.contentType ?? 'application/json'
    body = headers['Content-Type'].startsWith('application/json') ? JSON.stringify({ query }) : `query=${query}`
  }
  const res = await fetch(url, { method, headers, body })
  return { status: res.status, headers: res.headers, body: (await res.json()) as any }
}

function refused(r: { status: number; body: any }, status: number, code: string) {
  expect(r.status).toBe(status)
  expect(r.body.data ?? null).toBeNull()
  expect(r.body.errors?.[0]?.extensions?.code).toBe(code)
}

describe('issue 17: a browser session on /graphql (the CSRF rule)', () => {
  test('the console request is accepted: POST application/json with X-Latchkey-CSRF, an administrator', async () => {
    await using server = await world()
    const r = await call(server, {
      cookie: server.cookies.root,
      headers: { Origin: server.url, 'Sec-Fetch-Site': 'same-origin' },
    })
    expect(r.status).toBe(200)
    expect(r.body.data.viewer).toEqual({ accessLevel: 'ADMIN', canWrite: true, user: { username: 'root' } })
    const m = await call(server, { cookie: server.cookies.root, query: CREATE_SCOPE })
    expect(m.body.data.createScope.__typename).toBe('ScopePayload')
  })

  test('Chromium’s own request from a no-referrer page (Origin null, Sec-Fetch-Site same-origin) passes', async () => {
    await using server = await world()
    const r = await call(server, {
      cookie: server.cookies.root,
      headers: { Origin: 'null', 'Sec-Fetch-Site': 'same-origin' },
    })
    expect(r.status).toBe(200)
    expect(r.body.data.viewer.accessLevel).toBe('ADMIN')
  })

  test('a charset parameter and a request without Origin or Fetch Metadata (an old browser) are accepted', async () => {
    await using server = await world()
    const r = await call(server, { cookie: server.cookies.root, contentType: 'application/json; charset=utf-8' })
    expect(r.status).toBe(200)
    expect(r.body.data.viewer.accessLevel).toBe('ADMIN')
  })

  test('GET runs a query with the header; a mutation over GET is refused (405) and changes nothing', async () => {
    await using server = await world()
    const q = await call(server, { cookie: server.cookies.root, method: 'GET' })
    expect(q.status).toBe(200)
    expect(q.body.data.viewer.accessLevel).toBe('ADMIN')
    const m = await call(server, { cookie: server.cookies.root, method: 'GET', query: CREATE_SCOPE })
    expect(m.status).toBe(405)
    expect(await server.provider.services.scopes.find('s17')).toBeUndefined()
  })

  test('without the X-Latchkey-CSRF header, or with another session’s, → 403 FORBIDDEN', async () => {
    await using server = await world()
    refused(await call(server, { cookie: server.cookies.root, csrf: null }), 403, 'FORBIDDEN')
    refused(
      await call(server, { cookie: server.cookies.root, csrf: csrfToken(server.cookies.alice) }),
      403,
      'FORBIDDEN',
    )
    refused(await call(server, { cookie: server.cookies.root, csrf: 'x'.repeat(43) }), 403, 'FORBIDDEN')
    // Nor on GET.
    refused(await call(server, { cookie: server.cookies.root, csrf: null, method: 'GET' }), 403, 'FORBIDDEN')
  })

  test('a form content type or text/plain (what other sites can post without a preflight) → 403', async () => {
    await using server = await world()
    for (const contentType of ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x'])
      refused(await call(server, { cookie: server.cookies.root, contentType, query: CREATE_SCOPE }), 403, 'FORBIDDEN')
    expect(await server.provider.services.scopes.find('s17')).toBeUndefined()
  })

  test('a cross-site Origin, Sec-Fetch-Site cross-site or same-site, or Origin null → 403, header or not', async () => {
    await using server = await world()
    for (const headers of [
      { Origin: 'https://evil.example' },
      { Origin: 'null' },
      { 'Sec-Fetch-Site': 'cross-site' },
      { 'Sec-Fetch-Site': 'same-site' },
    ] as Array<Record<string, string>>)
      refused(await call(server, { cookie: server.cookies.root, headers, query: CREATE_SCOPE }), 403, 'FORBIDDEN')
    expect(await server.provider.services.scopes.find('s17')).toBeUndefined()
  })

  test('a user who is not an administrator → 403, even with a valid header', async () => {
    await using server = await world()
    refused(await call(server, { cookie: server.cookies.alice }), 403, 'FORBIDDEN')
  })

  test('a read-only administrator reads everything (level READ) and may not change anything', async () => {
    await using server = await world()
    const r = await call(server, {
      cookie: server.cookies.reader,
      query: '{ viewer { accessLevel canWrite } users(first: 10) { edges { node { username } } } }',
    })
    expect(r.body.data.viewer).toEqual({ accessLevel: 'READ', canWrite: false })
    expect(r.body.data.users.edges.length).toBe(4)
    const m = await call(server, { cookie: server.cookies.reader, query: CREATE_SCOPE })
    expect(m.body.data.createScope.__typename).toBe('ForbiddenError')
    expect(await server.provider.services.scopes.find('s17')).toBeUndefined()
  })

  test('updateUser/createUser set isReadOnlyAdmin (the CLI’s --admin-read); the session follows the role', async () => {
    await using server = await world()
    const id = Buffer.from(`User:${server.w.alice.id}`).toString('base64')
    const r = await gql(
      server,
      server.w.tokens.admin,
      'mutation($id: ID!) { updateUser(input: {id: $id, isReadOnlyAdmin: true}) ' +
        '{ ... on UserPayload { user { isReadOnlyAdmin isAdmin } } } }',
      { id },
    )
    expect(r.body.data.updateUser.user).toEqual({ isReadOnlyAdmin: true, isAdmin: false })
    expect((await call(server, { cookie: server.cookies.alice })).body.data.viewer.accessLevel).toBe('READ')
    const c = await gql(
      server,
      server.w.tokens.admin,
      'mutation { createUser(input: {username: "r2", password: "12345678", isReadOnlyAdmin: true}) ' +
        '{ ... on UserPayload { user { isReadOnlyAdmin } } } }',
    )
    expect(c.body.data.createUser.user.isReadOnlyAdmin).toBe(true)
  })

  test('an ended session, or a disabled user’s → 401 UNAUTHENTICATED (the console sends them to /login)', async () => {
    await using server = await world()
    const s = server.provider.services
    await s.sessions.end(server.cookies.root)
    refused(await call(server, { cookie: server.cookies.root }), 401, 'UNAUTHENTICATED')
    await s.users.disable('reader')
    refused(await call(server, { cookie: server.cookies.reader }), 401, 'UNAUTHENTICATED')
    refused(await call(server, { cookie: 'session_not-a-real-one' }), 401, 'UNAUTHENTICATED')
  })

  test('no cookie and no token → 401 as before; a bearer token wins over the cookie', async () => {
    await using server = await world()
    refused(await call(server, {}), 401, 'UNAUTHENTICATED')
    // alice's token with root's cookie (and no CSRF header): the token is the caller.
    const r = await call(server, {
      cookie: server.cookies.root,
      csrf: null,
      headers: { Authorization: `Bearer ${server.w.tokens.alice}`, Origin: 'https://elsewhere.example' },
    })
    expect(r.status).toBe(200)
    expect(r.body.data.viewer.user.username).toBe('alice')
    // A broken Authorization header is a failed bearer attempt: the cookie is not read.
    refused(
      await call(server, { cookie: server.cookies.root, headers: { Authorization: 'Bearer ' } }),
      401,
      'UNAUTHENTICATED',
    )
  })

  test('the preflight never allows X-Latchkey-CSRF nor credentials, so no other site can send it', async () => {
    await using server = await world()
    const res = await fetch(`${server.url}/graphql`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://evil.example',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type, x-latchkey-csrf',
      },
    })
    expect(res.headers.get('access-control-allow-headers')).toBe('Authorization, Content-Type')
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
    expect(res.headers.get('access-control-allow-credentials')).toBeNull()
  })

  test('bearer tokens work as before; a read-only administrator’s admin:read token reads everything', async () => {
    await using server = await world()
    const admin = await gql(server, server.w.tokens.admin, VIEWER)
    expect(admin.body.data.viewer.accessLevel).toBe('ADMIN')
    const s = server.provider.services
    const reader = (await s.users.findByUsername('reader'))!
    const token = (await s.tokens.issuePersonal(reader.id, ['admin:read'], null)).token
    expect((await gql(server, token, VIEWER)).body.data.viewer).toMatchObject({ accessLevel: 'READ', canWrite: false })
  })
})
