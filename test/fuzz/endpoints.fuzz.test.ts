/**
 * Issue 6: property-based fuzzing of every endpoint of a running server. Generated malformed
 * requests (bodies, headers, query strings, cookies, GraphQL documents, raw bytes) must never get a
 * 5xx, errors must be RFC-shaped, the server must stay responsive, and afterwards the database must
 * pass an integrity check and hold no token that a successful response did not hand out.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { Database } from 'bun:sqlite'
import fc from 'fast-check'
import { ROUTES } from '../../src/http/routes.ts'
import { Browser } from '../helpers/browser.ts'
import { seed, type Client } from '../helpers/fixtures.ts'
import { postForm } from '../helpers/oauth.ts'
import { startServer, type TestServer } from '../helpers/server.ts'

/** Wall-clock budget per property; the suite's total stays well under a minute. */
const BUDGET_MS = Number(process.env.FUZZ_BUDGET_MS ?? 6000)
const SQLITE = !process.env.LATCHKEY_TEST_DATABASE_URL

let server: TestServer
let C1: Client
let liveToken = ''
let liveRefresh = ''
let liveCode = ''
let tried = 0
const issuedAccessTokens = new Set<string>()

const PATHS = [
  ...Object.keys(ROUTES),
  '/graphql',
  '/nope',
  '/oauth/../oauth/token',
  '/%2e%2e/etc/passwd',
  '/oauth/token/',
  '//oauth/token',
]
const PARAM_NAMES = [
  'grant_type',
  'client_id',
  'client_secret',
  'code',
  'redirect_uri',
  'code_verifier',
  'refresh_token',
  'scope',
  'state',
  'nonce',
  'prompt',
  'max_age',
  'response_type',
  'code_challenge',
  'code_challenge_method',
  'token',
  'token_type_hint',
  'access_token',
  'device_code',
  'user_code',
  'username',
  'password',
  'csrf_token',
  'decision',
  'return_to',
  'query',
  'variables',
]
const GRANTS = [
  'authorization_code',
  'refresh_token',
  'client_credentials',
  'password',
  'urn:ietf:params:oauth:grant-type:device_code',
  'implicit',
  '',
]

const weirdString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom(
    '%zz',
    '%',
    '%ff%fe',
    '\u0000',
    '\ud800',
    'ǅ',
    '𝕏',
    '‮evil',
    ' ',
    '[]',
    '{}',
    'null',
    '-1',
    '1e309',
    'a'.repeat(9000),
  ),
  fc.constantFrom(...GRANTS),
  fc.constant('lkat_'),
)

function paramValue(): fc.Arbitrary<string> {
  return fc.oneof(
    weirdString,
    fc.constant('__LIVE_TOKEN__'),
    fc.constant('__LIVE_REFRESH__'),
    fc.constant('__LIVE_CODE__'),
    fc.constant('__C1__'),
  )
}

const params = fc.array(
  fc.tuple(fc.oneof(fc.constantFrom(...PARAM_NAMES), fc.string({ maxLength: 10 })), paramValue()),
  { maxLength: 12 },
)

function fill(v: string): string {
  return v
    .replace('__LIVE_TOKEN__', liveToken)
    .replace('__LIVE_REFRESH__', liveRefresh)
    .replace('__LIVE_CODE__', liveCode)
    .replace('__C1__', C1.clientId)
}

/** Encodes pairs as a form, sometimes deliberately broken (raw, unescaped, truncated). */
function encodePairs(pairs: Array<[string, string]>, mode: number): string {
  const enc = pairs
    .map(([k, v]) =>
      mode === 1
        ? `${k}=${fill(v)}`
        : `${encodeURIComponent(k.toWellFormed())}=${encodeURIComponent(fill(v).toWellFormed())}`,
    )
    .join('&')
  return mode === 2 ? enc.slice(0, Math.max(0, enc.length - 3)) : enc
}

const jsonValue = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
)

const request = fc.record({
  method: fc.constantFrom('GET', 'POST', 'POST', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH'),
  path: fc.constantFrom(...PATHS),
  query: params,
  queryMode: fc.integer({ min: 0, max: 2 }),
  bodyKind: fc.constantFrom('form', 'json', 'json-raw', 'text', 'none', 'graphql'),
  body: params,
  bodyMode: fc.integer({ min: 0, max: 2 }),
  jsonExtra: fc.dictionary(fc.constantFrom(...PARAM_NAMES), jsonValue, { maxKeys: 4 }),
  rawText: fc.string({ unit: 'binary', maxLength: 200 }),
  contentType: fc.constantFrom(
    'application/x-www-form-urlencoded',
    'application/json',
    'text/plain',
    'multipart/form-data; boundary=x',
    'application/x-www-form-urlencoded; charset=latin1',
    '',
    'application/json; charset=utf-16',
  ),
  auth: fc.oneof(
    fc.constant(undefined),
    fc.constantFrom('Basic', 'Bearer', 'Basic Og==', 'Bearer ', 'Basic !!!', 'Digest x'),
    fc.string({ maxLength: 30 }).map((s) => `Basic ${btoa(unescape(encodeURIComponent(s)))}`),
    fc.constant('__BEARER_LIVE__'),
    fc.constant('__BASIC_C1_WRONG__'),
  ),
  cookie: fc.oneof(
    fc.constant(undefined),
    fc.string({ maxLength: 60 }),
    fc.constant('latchkey_session=lkse_x; latchkey_session=y'),
    fc.constant(`latchkey_login=${'a'.repeat(43)}`),
  ),
  origin: fc.oneof(fc.constant(undefined), fc.constant('https://evil.example')),
  gql: fc.oneof(
    fc.string({ maxLength: 80 }),
    fc.constantFrom(
      '{ viewer { id } }',
      '{ __schema { types { name } } }',
      '{'.repeat(200),
      'query { a: viewer { id } b: viewer { id } }',
      'mutation { deleteApplication(id: "x") { __typename } }',
      '[{"query":"{viewer{id}}"}]',
    ),
  ),
})

type Generated = typeof request extends fc.Arbitrary<infer T> ? T : never

async function send(r: Generated): Promise<Response> {
  const q = encodePairs(r.query as Array<[string, string]>, r.queryMode)
  const url = `${server.url}${r.path}${q ? `?${q}` : ''}`
  const headers = new Headers()
  if (r.contentType) headers.set('Content-Type', r.contentType)
  if (r.auth === '__BEARER_LIVE__') headers.set('Authorization', `Bearer ${liveToken}`)
  else if (r.auth === '__BASIC_C1_WRONG__') headers.set('Authorization', `Basic ${btoa(`${C1.clientId}:wrong`)}`)
  else if (r.auth !== undefined) headers.set('Authorization', r.auth)
  // biome-ignore lint/suspicious/noControlCharactersInRegex: a header value cannot carry these, so they are dropped
  if (r.cookie !== undefined) headers.set('Cookie', r.cookie.replace(/[\r\n\u0000-\u001f\u007f-\uffff]/g, ''))
  if (r.origin) headers.set('Origin', r.origin)
  let body: string | undefined
  if (r.method !== 'GET' && r.method !== 'HEAD') {
    if (r.bodyKind === 'form') body = encodePairs(r.body as Array<[string, string]>, r.bodyMode)
    else if (r.bodyKind === 'json')
      body = JSON.stringify({
        ...Object.fromEntries((r.body as Array<[string, string]>).map(([k, v]) => [k, fill(v)])),
        ...r.jsonExtra,
      })
    else if (r.bodyKind === 'json-raw') body = JSON.stringify(r.jsonExtra).slice(0, -1)
    else if (r.bodyKind === 'text') body = r.rawText
    else if (r.bodyKind === 'graphql') body = r.gql.startsWith('[') ? r.gql : JSON.stringify({ query: r.gql })
  }
  tried++
  return fetch(url, { method: r.method, headers, body, redirect: 'manual' })
}

/**
 * The error shape a path answers in: RFC 6749 §5.2 (`error`) everywhere but the forges' user APIs
 * (issue 16), which answer as GitLab (`message`, or RFC 6750's `error`) and Gitea (`message` and `url`) do.
 */
function errorShaped(path: string, body: Record<string, unknown>): boolean {
  const forge = ROUTES[path]?.forge
  if (forge === 'gitlab') return typeof body.message === 'string' || typeof body.error === 'string'
  if (forge === 'gitea') return typeof body.message === 'string' && typeof body.url === 'string'
  return typeof body.error === 'string'
}

async function checkResponse(res: Response, method: string, path: string): Promise<void> {
  const text = await res.text()
  if (method === 'HEAD') return void (res.status >= 500 && fail(`5xx ${res.status} on HEAD`))
  if (res.status >= 500) throw new Error(`5xx ${res.status}: ${text.slice(0, 300)}`)
  const type = res.headers.get('content-type') ?? ''
  if (
    res.status >= 400 &&
    type.startsWith('application/json') &&
    !text.startsWith('{"data"') &&
    !text.includes('"errors"')
  ) {
    const body = JSON.parse(text) as Record<string, unknown>
    if (!errorShaped(path, body)) throw new Error(`not RFC-shaped: ${text.slice(0, 200)}`)
  }
  if (text.includes('    at ') || /\.ts:\d+/.test(text)) throw new Error(`stack trace leaked: ${text.slice(0, 300)}`)
  if (res.status === 200 && type.startsWith('application/json') && text.includes('"access_token"'))
    issuedAccessTokens.add((JSON.parse(text) as { access_token: string }).access_token)
}

beforeAll(async () => {
  server = await startServer({ socket: true }) // raw requests over TCP
  const f = await seed(server.provider.services)
  C1 = f.C1
  const browser = new Browser(server.url)
  const code = (
    await browser.authorize({
      response_type: 'code',
      client_id: C1.clientId,
      redirect_uri: C1.redirectUri,
      scope: 'openid profile',
    })
  ).searchParams.get('code')!
  const tokens = (await (
    await postForm(server.url, '/oauth/token', C1, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: C1.redirectUri,
    })
  ).json()) as { access_token: string; refresh_token: string }
  liveToken = tokens.access_token
  liveRefresh = tokens.refresh_token
  issuedAccessTokens.add(liveToken)
  liveCode = (
    await browser.authorize({
      response_type: 'code',
      client_id: C1.clientId,
      redirect_uri: C1.redirectUri,
      scope: 'openid',
    })
  ).searchParams.get('code')!
})
afterAll(async () => {
  console.log(`fuzz: ${tried} generated requests`)
  await server[Symbol.asyncDispose]()
})

describe('issue 6: fuzzing every endpoint of a running server', () => {
  test(
    'generated malformed HTTP requests never get a 5xx, a stack trace, or a non-RFC error body',
    async () => {
      await fc.assert(
        fc.asyncProperty(request, async (r) => checkResponse(await send(r), r.method, r.path)),
        {
          numRuns: 100_000,
          interruptAfterTimeLimit: BUDGET_MS,
          markInterruptAsFailure: false,
          seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31),
        },
      )
      expect(tried).toBeGreaterThan(100)
    },
    BUDGET_MS + 20_000,
  )

  test(
    'raw malformed bytes on the socket get a 4xx or a closed connection, never a 5xx',
    async () => {
      const port = Number(new URL(server.url).port)
      const raw = fc.oneof(
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.constantFrom(
          'GET /oauth/token?%ff HTTP/1.1\r\nHost: x\r\n\r\n',
          'POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Length: 100' +
            '\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\ngrant_type=x',
          'POST /oauth/token HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n',
          `GET /oauth/userinfo HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20000)}\r\n\r\n`,
          'GET / HTTP/1.1\r\nHost: x\r\nCookie: \u00ff\u00fe\r\n\r\n',
        ),
      )
      await fc.assert(
        fc.asyncProperty(raw, async (payload) => {
          tried++
          const status = await rawRequest(port, payload)
          // Bun's own HTTP parser answers 505 to a request line without a valid HTTP/1.x version,
          // before any Latchkey code runs; that is a transport-level refusal, not a server error.
          const unparseable = !/^[A-Z]+ \S+ HTTP\/1\.[01]\r\n/.test(payload)
          if (status === 505 && unparseable) return
          if (status !== null && status >= 500)
            throw new Error(`5xx for raw payload ${JSON.stringify(payload.slice(0, 80))}`)
        }),
        { numRuns: 10_000, interruptAfterTimeLimit: BUDGET_MS / 3, markInterruptAsFailure: false },
      )
    },
    BUDGET_MS + 20_000,
  )

  test('then the server answers promptly, the database is intact and holds only tokens it handed out', async () => {
    // A hung server fails this through the test's timeout; how fast it answers depends on the machine.
    expect((await fetch(`${server.url}/.well-known/openid-configuration`)).status).toBe(200)
    if (!SQLITE) return // the PostgreSQL run checks integrity through its own tests
    const db = new Database(server.config.db, { readonly: true })
    try {
      expect(db.query('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' })
      const stored = (db.query('SELECT count(*) AS n FROM access_tokens').get() as { n: number }).n
      expect(stored).toBe(issuedAccessTokens.size)
    } finally {
      db.close()
    }
  })
})

/** Sends raw bytes, returns the status code of the reply (null when the server just closed). */
function rawRequest(port: number, payload: string): Promise<number | null> {
  return new Promise((resolve) => {
    let data = ''
    const done = (v: number | null) => resolve(v)
    const timer = setTimeout(() => done(parseStatus(data)), 1000)
    Bun.connect({
      hostname: '127.0.0.1',
      port,
      socket: {
        open(s) {
          s.write(Buffer.from(payload, 'latin1'))
        },
        data(s, chunk) {
          data += chunk.toString('latin1')
          if (/\r\n\r\n/.test(data)) {
            clearTimeout(timer)
            s.end()
            done(parseStatus(data))
          }
        },
        close() {
          clearTimeout(timer)
          done(parseStatus(data))
        },
        error() {
          clearTimeout(timer)
          done(null)
        },
      },
    }).catch(() => done(null))
  })
}

function fail(message: string): never {
  throw new Error(message)
}

function parseStatus(data: string): number | null {
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(data)
  return m ? Number(m[1]) : null
}
