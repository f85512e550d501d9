/**
 * Issue 18: Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document), end to end.
 * The documents are served by a REAL HTTPS server on loopback (Bun.serve with a certificate from a CA made
 * here with openssl); Latchkey trusts that CA and allows that one host:port (`metadataDocumentAllowHosts`),
 * and sees DNS through an injected resolver, so "client.test" is 127.0.0.1 and the hostile names resolve
 * to the special addresses each case needs. Every refusal is proven: invalid_client on a page (never a
 * redirect) at /authorize, 401 invalid_client at /token, and nothing remembered about a failure.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import { isIP } from 'node:net'
import { Browser, formFields } from '../helpers/browser.ts'
import type { Client } from '../helpers/fixtures.ts'
import { type Env, exchange, expectErrorPage, getCode, rawAuthorize, refresh, setup } from '../helpers/flows.ts'
import { pkcePair, postForm } from '../helpers/oauth.ts'
import { testClock } from '../helpers/server.ts'
import { makeTestCa } from '../helpers/test-ca.ts'
import { PASSWORD } from '../helpers/fixtures.ts'
import { ok } from '../graphql/support.ts'
import { appJson } from '../../src/cli/app.ts'

const ca = makeTestCa(['client.test'])
const hits = new Map<string, number>()
/** What each path of the document server answers; `id` is the URL it was asked for. */
const routes = new Map<string, (id: string) => Response | Promise<Response>>()
const never = Promise.withResolvers<void>()
const docs = Bun.serve({
  hostname: '127.0.0.1',
  port: 0,
  tls: { cert: ca.cert, key: ca.key },
  async fetch(request): Promise<Response> {
    const url = new URL(request.url)
    hits.set(url.pathname, (hits.get(url.pathname) ?? 0) + 1)
    const route = routes.get(url.pathname)
    return route ? route(`${ORIGIN}${url.pathname}`) : new Response('not found', { status: 404 })
  },
})
const ORIGIN: string = `https://client.test:${docs.port}`
const CALLBACK = 'https://agent.example/cb'

function document(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    client_id: id,
    client_name: 'Agent <script>',
    redirect_uris: [CALLBACK, 'http://127.0.0.1/callback'],
    // Agents declare grant types and methods Latchkey does not offer: ignored, not fatal.
    grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:jwt-bearer'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
    scope: 'openid profile offline_access',
    logo_uri: 'https://agent.example/logo.png',
    // Not https: left out, not fatal.
    policy_uri: 'http://agent.example/policy',
    ...extra,
  }
}
const json = (body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { headers: { 'Content-Type': 'application/json', ...headers } })

routes.set('/client.json', (id) => json(document(id), { 'Cache-Control': 'public, max-age=600' }))
routes.set('/consent.json', (id) => json(document(id)))
routes.set('/unused.json', (id) => json(document(id)))
routes.set('/mismatch.json', () => json(document(`${ORIGIN}/client.json`)))
routes.set('/redirect.json', () => new Response(null, { status: 302, headers: { Location: '/client.json' } }))
routes.set('/big.json', (id) => json(document(id, { padding: 'x'.repeat(6000) })))
routes.set('/big-chunked.json', (id) => {
  const text = JSON.stringify(document(id, { padding: 'x'.repeat(20_000) }))
  const stream = new ReadableStream({
    start(c) {
      for (let i = 0; i < text.length; i += 1000) c.enqueue(new TextEncoder().encode(text.slice(i, i + 1000)))
      c.close()
    },
  })
  return new Response(stream, { headers: { 'Content-Type': 'application/json' } })
})
routes.set(
  '/html.json',
  (id) => new Response(JSON.stringify(document(id)), { headers: { 'Content-Type': 'text/html' } }),
)
routes.set('/broken.json', () => new Response('{"client_id": ', { headers: { 'Content-Type': 'application/json' } }))
routes.set('/array.json', () => json([1, 2]))
routes.set('/gone.json', () => new Response('gone', { status: 410 }))
routes.set('/pkjwt.json', (id) => json(document(id, { token_endpoint_auth_method: 'private_key_jwt' })))
routes.set('/basic.json', (id) => json(document(id, { token_endpoint_auth_method: 'client_secret_basic' })))
routes.set('/secret.json', (id) => json(document(id, { client_secret: 'shh' })))
routes.set('/no-redirects.json', (id) => json(document(id, { redirect_uris: [] })))
routes.set('/bad-redirect.json', (id) => json(document(id, { redirect_uris: ['javascript:alert(1)'] })))
routes.set('/client-credentials.json', (id) => json(document(id, { grant_types: ['client_credentials'] })))
routes.set('/slow.json', async () => {
  await never.promise
  return new Response('{}')
})
let flaky = 0
routes.set('/flaky.json', (id) => (++flaky === 1 ? new Response('down', { status: 503 }) : json(document(id))))
let changing: Record<string, unknown> = {}
routes.set('/changing.json', (id) => json(document(id, changing), { 'Cache-Control': 'max-age=300' }))

/** The DNS the fetcher sees: client.test is the document server; the rest are the hostile answers. */
const DNS: Record<string, string[]> = {
  'client.test': ['127.0.0.1'],
  'private10.test': ['10.0.0.7'],
  'private192.test': ['192.168.1.1'],
  'loopback.test': ['127.0.0.1'],
  'metadata.test': ['169.254.169.254'],
  'v6loopback.test': ['::1'],
  'mapped.test': ['::ffff:127.0.0.1'],
  'ula.test': ['fd00::1'],
  'linklocal6.test': ['fe80::1'],
  'cgnat.test': ['100.64.0.1'],
  'zero.test': ['0.0.0.0'],
  'multicast.test': ['224.0.0.251'],
  'docs.test': ['192.0.2.10'],
  'nat64.test': ['64:ff9b::a00:1'],
  // One public address and one private: every address is checked, not only the first.
  'mixed.test': ['93.184.215.14', '10.0.0.1'],
}
const resolveHost = async (hostname: string) => {
  const addresses = DNS[hostname]
  if (!addresses) throw new Error(`getaddrinfo ENOTFOUND ${hostname}`)
  return addresses.map((address) => ({ address, family: isIP(address) as 4 | 6 }))
}

const clock = testClock()
let env: Env
beforeAll(async () => {
  env = await setup({
    config: { metadataDocumentAllowHosts: `client.test:${docs.port}`, metadataDocumentCaFile: ca.caFile },
    resolveHost,
    clock,
  })
})
afterAll(async () => {
  never.resolve()
  await env.server[Symbol.asyncDispose]()
  await docs.stop(true)
  ca[Symbol.dispose]()
})

const client = (path: string, redirectUri = CALLBACK): Client => ({
  clientId: `${ORIGIN}${path}`,
  secret: null,
  redirectUri,
})
function authorizeQuery(clientId: string, redirectUri = CALLBACK): Record<string, string> {
  return {
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri,
    scope: 'openid profile',
    state: 'st',
    code_challenge: pkcePair().challenge,
    code_challenge_method: 'S256',
  }
}
/** An authorization request for `clientId` that must end on an invalid_client page naming `reason`. */
async function expectRefused(clientId: string, reason: string | RegExp): Promise<string> {
  const res = await rawAuthorize(env, authorizeQuery(clientId))
  expect(res.status).toBe(401)
  const page = await expectErrorPage(res)
  expect(page).toContain('invalid_client')
  expect(page).toMatch(reason)
  return page
}
function rowOf(clientId: string) {
  return env.server.db.selectFrom('applications').selectAll().where('client_id', '=', clientId).executeTakeFirst()
}

describe('draft-ietf-oauth-client-id-metadata-document §5: discovery', () => {
  test('says client_id_metadata_document_supported and lists none among the token endpoint auth methods', async () => {
    const meta = await (await fetch(`${env.server.url}/.well-known/oauth-authorization-server`)).json()
    expect(meta.client_id_metadata_document_supported).toBe(true)
    expect(meta.token_endpoint_auth_methods_supported).toContain('none')
    expect(meta.code_challenge_methods_supported).toEqual(['S256'])
  })
})

describe('draft-ietf-oauth-client-id-metadata-document §4: a document client through authorization code + PKCE', () => {
  test('the fetched document becomes a public application; code, token and refresh work', async () => {
    const c = client('/client.json')
    const { code, verifier } = await getCode(env, c, { scope: 'openid profile offline_access' })
    const res = await exchange(env, c, code, verifier)
    expect(res.status).toBe(200)
    const tokens = (await res.json()) as { access_token: string; refresh_token?: string; scope: string }
    expect(tokens.refresh_token).toBeString()
    expect(tokens.scope.split(' ').sort()).toEqual(['offline_access', 'openid', 'profile'])
    const again = await refresh(env, c, tokens.refresh_token!)
    expect(again.status).toBe(200)

    const row = (await rowOf(c.clientId))!
    expect(row.is_public).toBe(1)
    expect(row.is_trusted).toBe(0)
    expect(row.client_secret_hash).toBeNull()
    expect(row.name).toBe('Agent <script>')
    expect(JSON.parse(row.redirect_uris)).toEqual([CALLBACK, 'http://127.0.0.1/callback'])
    // The jwt-bearer grant the document declares is ignored.
    expect(row.grant_types).toBe('authorization_code refresh_token')
    // Within the document's own `scope` and the operator's list: email is offered but not asked for.
    expect(row.scopes.split(' ').sort()).toEqual(['offline_access', 'openid', 'profile'])
    expect(row.registration).toBe('metadata_document')
    expect(row.token_endpoint_auth_method).toBe('none')
    expect(row.logo_uri).toBe('https://agent.example/logo.png')
    expect(row.policy_uri).toBeNull()
    expect(row.metadata_fetched_at).toBe(clock.now())
    expect(row.metadata_expires_at).toBe(clock.now() + 600)
  })

  test('RFC 7636 §4.4.1: PKCE is required, as for every public client', async () => {
    const { code_challenge: _, code_challenge_method: __, ...query } = authorizeQuery(`${ORIGIN}/client.json`)
    const res = await rawAuthorize(env, query)
    const location = new URL(res.headers.get('location')!)
    expect(location.origin + location.pathname).toBe(CALLBACK)
    expect(location.searchParams.get('error')).toBe('invalid_request')
  })

  test('§4.1: a client_secret at the token endpoint is refused with 401 invalid_client', async () => {
    const res = await postForm(env.server.url, '/oauth/token', null, {
      grant_type: 'refresh_token',
      refresh_token: 'x',
      client_id: `${ORIGIN}/client.json`,
      client_secret: 'guess',
    })
    expect(res.status).toBe(401)
    expect((await res.json()).error).toBe('invalid_client')
  })

  test('the consent page names the redirect host first and marks the name unverified', async () => {
    const browser = new Browser(env.server.url)
    await browser.login()
    const res = await browser.get(`/oauth/authorize?${new URLSearchParams(authorizeQuery(`${ORIGIN}/consent.json`))}`)
    expect(res.status).toBe(200)
    const page = await res.text()
    expect(formFields(page).client_id).toBe(`${ORIGIN}/consent.json`)
    expect(page).toContain('unverified')
    expect(page).toContain('agent.example')
    expect(page).toContain(`client.test:${docs.port}`)
    expect(page).toContain('Agent &lt;script&gt;')
    expect(page).not.toContain('<script>')
    expect(page.indexOf('agent.example')).toBeLessThan(page.indexOf('Agent &lt;script&gt;'))
  })
})

describe('draft-ietf-oauth-client-id-metadata-document §4.3: redirect URIs come from the document only', () => {
  test('a redirect_uri the document does not list is an error page, never a redirect', async () => {
    const res = await rawAuthorize(env, authorizeQuery(`${ORIGIN}/client.json`, 'https://attacker.example/cb'))
    const page = await expectErrorPage(res)
    expect(page).toContain('redirect_uri is not registered')
  })
})

describe('draft-ietf-oauth-client-id-metadata-document §3, §6: refused client_id URLs, before any request', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['http scheme', `http://client.test:${docs.port}/client.json`, /must use the https scheme/],
    ['URL without a path', `https://client.test:${docs.port}`, /must have a path/],
    ['URL with only /', `https://client.test:${docs.port}/`, /must have a path/],
    ['a port other than 443, not allowed', 'https://client.test:8443/client.json', /default https port 443/],
    ['dot segments', `https://client.test:${docs.port}/a/../client.json`, /\. or \.\. path segments/],
    ['a fragment', `https://client.test:${docs.port}/client.json#x`, /fragment/],
    ['credentials', `https://user:pw@client.test:${docs.port}/client.json`, /credentials/],
  ]
  for (const [name, id, reason] of cases)
    test(`${name}: invalid_client page`, async () => {
      const before = hits.get('/client.json') ?? 0
      await expectRefused(id, reason)
      expect(hits.get('/client.json') ?? 0).toBe(before)
    })
})

describe('draft-ietf-oauth-client-id-metadata-document §6.5 (SSRF): no special address, every address checked', () => {
  // Each case is a fetch from the same address: a new rate-limit window for each (issue 18, metadataFetchPerIp).
  beforeEach(() => clock.advance(61))
  const cases: Array<[string, string]> = [
    ['10.0.0.0/8 (RFC 1918)', 'https://private10.test/client.json'],
    ['192.168.0.0/16 (RFC 1918)', 'https://private192.test/client.json'],
    ['127.0.0.1 loopback', 'https://loopback.test/client.json'],
    ['169.254.169.254 cloud metadata', 'https://metadata.test/latest/meta-data'],
    ['::1 loopback', 'https://v6loopback.test/client.json'],
    ['::ffff:127.0.0.1 IPv4-mapped loopback', 'https://mapped.test/client.json'],
    ['fd00::1 unique local', 'https://ula.test/client.json'],
    ['fe80::1 link-local', 'https://linklocal6.test/client.json'],
    ['100.64.0.1 carrier-grade NAT', 'https://cgnat.test/client.json'],
    ['0.0.0.0', 'https://zero.test/client.json'],
    ['multicast', 'https://multicast.test/client.json'],
    ['documentation range', 'https://docs.test/client.json'],
    ['NAT64 of 10.0.0.1', 'https://nat64.test/client.json'],
    ['one public and one private address', 'https://mixed.test/client.json'],
    ['literal 127.0.0.1', 'https://127.0.0.1/client.json'],
    ['literal [::1]', 'https://[::1]/client.json'],
    ['literal 169.254.169.254', 'https://169.254.169.254/latest/meta-data'],
    ['literal [::ffff:7f00:1]', 'https://[::ffff:7f00:1]/client.json'],
    ['literal 10.0.0.1', 'https://10.0.0.1/client.json'],
    // The allowed pair is client.test on the document server's port; on 443 the same name is not allowed.
    ['the allowed host on another port', 'https://client.test/client.json'],
  ]
  for (const [name, id] of cases)
    test(`${name}: invalid_client page, the address named in the log only`, async () => {
      const page = await expectRefused(id, /resolves to an address that is not public/)
      const line = env.server.logs.findLast((l) => l.includes('"request"'))!
      expect(JSON.parse(line).detail).toMatch(/→|not public/)
      expect(page).not.toMatch(/10\.0\.0|127\.0\.0|169\.254|fd00|fe80/)
    })

  test('a host name that does not resolve is refused', async () => {
    await expectRefused('https://nowhere.test/client.json', /could not be resolved/)
  })
})

describe('draft-ietf-oauth-client-id-metadata-document §4, §6: refused documents', () => {
  // Each case is a fetch from the same address: a new rate-limit window for each (issue 18, metadataFetchPerIp).
  beforeEach(() => clock.advance(61))
  const cases: Array<[string, string, RegExp]> = [
    ['client_id differs from the URL', '/mismatch.json', /client_id must equal the URL/],
    ['a redirect (not followed)', '/redirect.json', /redirects are not followed/],
    ['over 5 KB with Content-Length', '/big.json', /larger than 5120 bytes/],
    ['over 5 KB, chunked', '/big-chunked.json', /larger than 5120 bytes/],
    ['not application/json', '/html.json', /must be served as application\/json, not text\/html/],
    ['not valid JSON', '/broken.json', /not valid JSON/],
    ['not a JSON object', '/array.json', /not a JSON object/],
    ['HTTP 410', '/gone.json', /HTTP 410/],
    ['HTTP 404', '/missing.json', /HTTP 404/],
    ['private_key_jwt (not supported here)', '/pkjwt.json', /private_key_jwt is not supported/],
    ['a shared-secret auth method', '/basic.json', /client_secret_basic needs a shared secret/],
    ['a client_secret', '/secret.json', /client_secret must not be used/],
    ['no redirect URIs', '/no-redirects.json', /redirect_uris must be a non-empty array/],
    ['a dangerous redirect URI', '/bad-redirect.json', /must not use the javascript: scheme/],
    ['no authorization_code grant', '/client-credentials.json', /must include authorization_code/],
  ]
  for (const [name, path, reason] of cases)
    test(`${name}: invalid_client page, no application row`, async () => {
      await expectRefused(`${ORIGIN}${path}`, reason)
      expect(await rowOf(`${ORIGIN}${path}`)).toBeUndefined()
    })

  test('the redirect was not followed: the target was never asked for by it', async () => {
    const before = hits.get('/client.json') ?? 0
    await expectRefused(`${ORIGIN}/redirect.json`, /redirects are not followed/)
    expect(hits.get('/client.json') ?? 0).toBe(before)
  })
})

describe('draft-ietf-oauth-client-id-metadata-document §4.2: caching within bounds, errors never cached', () => {
  test('a fresh document is not fetched again; an expired one is, and a change is taken', async () => {
    changing = {}
    const id = `${ORIGIN}/changing.json`
    const browser = new Browser(env.server.url)
    await browser.login()
    const consent = () => browser.get(`/oauth/authorize?${new URLSearchParams(authorizeQuery(id))}`)
    expect((await consent()).status).toBe(200)
    expect((await consent()).status).toBe(200)
    expect(hits.get('/changing.json')).toBe(1)
    changing = { client_name: 'Renamed' }
    clock.advance(301)
    expect(await (await consent()).text()).toContain('Renamed')
    expect(hits.get('/changing.json')).toBe(2)
  })

  test('a failed fetch is not remembered: the next request fetches again and succeeds', async () => {
    const id = `${ORIGIN}/flaky.json`
    await expectRefused(id, /HTTP 503/)
    expect(await rowOf(id)).toBeUndefined()
    const res = await rawAuthorize(env, authorizeQuery(id))
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toStartWith('/login?') // on to sign-in
    expect(hits.get('/flaky.json')).toBe(2)
  })

  test('an expired document that now fails refuses the client at the token endpoint (401 invalid_client)', async () => {
    changing = {}
    const c = client('/changing.json')
    const { code, verifier } = await getCode(env, c, { scope: 'openid offline_access' })
    const tokens = (await (await exchange(env, c, code, verifier)).json()) as { refresh_token: string }
    changing = { client_id: 'https://someone-else.example/client.json' }
    clock.advance(301)
    const res = await refresh(env, c, tokens.refresh_token)
    expect(res.status).toBe(401)
    const body = await res.json()
    expect(body.error).toBe('invalid_client')
    expect(body.error_description).toContain('client_id must equal the URL')
    changing = {}
  })
})

describe('issue 18: metadata-document clients that never obtained a token are purged, and come back on use', () => {
  test('an unused row goes after registrationPurgeAfter, a used one stays, and it is fetched again', async () => {
    const used = client('/client.json')
    const { code, verifier } = await getCode(env, used, { scope: 'openid' })
    expect((await exchange(env, used, code, verifier)).status).toBe(200)
    const id = `${ORIGIN}/unused.json`
    expect((await rawAuthorize(env, authorizeQuery(id))).status).toBe(303)
    expect((await rowOf(id))?.registration).toBe('metadata_document')
    clock.advance(env.server.config.registrationPurgeAfter + 1)
    await env.server.provider.services.purge.run()
    expect(await rowOf(id)).toBeUndefined()
    expect(await rowOf(used.clientId)).toBeDefined()
    // A purged document client is not refused: its next request fetches the document again.
    expect((await rawAuthorize(env, authorizeQuery(id))).status).toBe(303)
    expect(hits.get('/unused.json')).toBe(2)
  })
})

describe('issue 18: administrators see a metadata-document client in GraphQL and the CLI', () => {
  test('application(clientId: URL) shows registration and when the document was fetched and expires', async () => {
    const id = `${ORIGIN}/client.json`
    await rawAuthorize(env, authorizeQuery(id))
    const root = await env.server.provider.services.users.create({
      username: 'root',
      password: PASSWORD,
      isAdmin: true,
    })
    const token = (await env.server.provider.services.tokens.issuePersonal(root.id, ['admin:read'], null)).token
    const data = await ok(
      env.server,
      token,
      `query($id: String!) {
        application(clientId: $id) { name public registration metadataFetchedAt metadataExpiresAt }
      }`,
      { id },
    )
    const row = (await rowOf(id))!
    expect(data.application).toMatchObject({
      name: 'Agent <script>',
      public: true,
      registration: 'METADATA_DOCUMENT',
    })
    expect(Date.parse(data.application.metadataExpiresAt) / 1000).toBe(row.metadata_expires_at!)
    const json = appJson(await env.server.provider.services.applications.show(id))
    expect(json.metadata_expires_at).toBe(row.metadata_expires_at)
    expect(json.registration).toBe('metadata_document')
  })
})

describe('issue 18: fetches are rate-limited per address', () => {
  test('past 30 fetches a minute from one address: 429 with Retry-After, cached clients unaffected', async () => {
    await rawAuthorize(env, authorizeQuery(`${ORIGIN}/client.json`)) // cached for 600 s from here
    clock.advance(61) // a fresh window
    for (let i = 0; i < 30; i++) await expectRefused(`https://private10.test/c${i}.json`, /not public/)
    const limited = await rawAuthorize(env, authorizeQuery('https://private10.test/one-more.json'))
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await expectErrorPage(limited)).toContain('too many client ID metadata documents')
    // A URL that could never be fetched is refused as before, and a cached client still works.
    await expectRefused('http://private10.test/c.json', /https scheme/)
    expect((await rawAuthorize(env, authorizeQuery(`${ORIGIN}/client.json`))).status).toBe(303)
    clock.advance(61)
  })
})

describe('issue 18: the operator can turn metadata documents off', () => {
  test('off: discovery says false and a URL client_id is invalid_client', async () => {
    const off = await setup({ config: { metadataDocuments: 'false' }, resolveHost })
    try {
      const meta = await (await fetch(`${off.server.url}/.well-known/oauth-authorization-server`)).json()
      expect(meta.client_id_metadata_document_supported).toBe(false)
      const res = await rawAuthorize(off, authorizeQuery(`${ORIGIN}/client.json`))
      expect(res.status).toBe(401)
      expect(await expectErrorPage(res)).toContain('does not accept client ID metadata documents')
    } finally {
      await off.server[Symbol.asyncDispose]()
    }
  })
})
