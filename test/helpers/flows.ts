/**
 * Shared steps for the suites of security cases (docs/security.md): both endpoint
 * dialects, both token body encodings, and a code → tokens flow driven through the real pages.
 */
import { Browser } from './browser.ts'
import { seed, type Client } from './fixtures.ts'
import { pkcePair, postForm } from './oauth.ts'
import { startServer, type ServerOptions, type TestServer } from './server.ts'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'

export interface Dialect {
  name: string
  authorize: string
  token: string
  userinfo: string
  jwks: string
}

/** The GitLab paths and the Gitea aliases; every authorize/token/userinfo/JWKS case runs on both. */
export const DIALECTS: Dialect[] = [
  {
    name: 'GitLab /oauth/*',
    authorize: '/oauth/authorize',
    token: '/oauth/token',
    userinfo: '/oauth/userinfo',
    jwks: '/oauth/discovery/keys',
  },
  {
    name: 'Gitea /login/oauth/*',
    authorize: '/login/oauth/authorize',
    token: '/login/oauth/access_token',
    userinfo: '/login/oauth/userinfo',
    jwks: '/login/oauth/keys',
  },
]

/** The token endpoint takes form and JSON bodies. */
export const BODIES = [
  { name: 'form', json: false },
  { name: 'JSON', json: true },
]

/** Every dialect crossed with every body encoding, for test.each. */
export const TOKEN_VARIANTS = DIALECTS.flatMap((d) =>
  BODIES.map((b) => ({ label: `${d.name}, ${b.name} body`, dialect: d, json: b.json })),
)

export type Fixtures = Awaited<ReturnType<typeof seed>>

export interface Env {
  server: TestServer
  f: Fixtures
  /** A browser in which alice is signed in after the first authorization. */
  browser: Browser
}

export async function setup(options: ServerOptions = {}): Promise<Env> {
  const server = await startServer(options)
  const f = await seed(server.provider.services)
  return { server, f, browser: new Browser(server.url) }
}

export interface TokenBody {
  access_token: string
  token_type: string
  expires_in: number
  refresh_token?: string
  scope: string
  created_at: number
  id_token?: string
}

export interface CodeOptions {
  dialect?: Dialect
  scope?: string
  pkce?: boolean
  extra?: Record<string, string>
  browser?: Browser
  redirectUri?: string
  /** Who signs in when the browser is asked to (default alice). */
  username?: string
}

/** Runs /authorize through login and consent; returns the code, its verifier and the redirect. */
export async function getCode(
  env: Env,
  client: Client,
  opts: CodeOptions = {},
): Promise<{ code: string; verifier: string | undefined; redirect: URL }> {
  const pair = opts.pkce === false ? undefined : pkcePair()
  const query: Record<string, string> = {
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: opts.redirectUri ?? client.redirectUri,
    scope: opts.scope ?? 'openid profile email',
    state: 'st',
    ...(pair ? { code_challenge: pair.challenge, code_challenge_method: 'S256' } : {}),
    ...opts.extra,
  }
  const redirect = await (opts.browser ?? env.browser).authorize(query, {
    path: (opts.dialect ?? DIALECTS[0]!).authorize,
    username: opts.username,
  })
  const code = redirect.searchParams.get('code')
  if (!code) throw new Error(`no code in ${redirect}`)
  return { code, verifier: pair?.verifier, redirect }
}

/** Exchanges a code at the token endpoint. */
export function exchange(
  env: Env,
  client: Client,
  code: string,
  verifier: string | undefined,
  opts: { dialect?: Dialect; json?: boolean; redirectUri?: string } = {},
): Promise<Response> {
  return postForm(
    env.server.url,
    (opts.dialect ?? DIALECTS[0]!).token,
    client,
    {
      grant_type: 'authorization_code',
      code,
      redirect_uri: opts.redirectUri ?? client.redirectUri,
      ...(verifier ? { code_verifier: verifier } : {}),
    },
    { json: opts.json },
  )
}

/** A full authorization-code flow; fails the test unless the token endpoint answers 200. */
export async function tokensFor(
  env: Env,
  client: Client,
  opts: CodeOptions & { json?: boolean } = {},
): Promise<TokenBody> {
  const { code, verifier } = await getCode(env, client, opts)
  const res = await exchange(env, client, code, verifier, {
    dialect: opts.dialect,
    json: opts.json,
    redirectUri: opts.redirectUri,
  })
  if (res.status !== 200) throw new Error(`token exchange failed: ${res.status} ${await res.text()}`)
  return (await res.json()) as TokenBody
}

export function refresh(
  env: Env,
  client: Client,
  refreshToken: string,
  extra: Record<string, string> = {},
  opts: { dialect?: Dialect; json?: boolean } = {},
): Promise<Response> {
  return postForm(
    env.server.url,
    (opts.dialect ?? DIALECTS[0]!).token,
    client,
    { grant_type: 'refresh_token', refresh_token: refreshToken, ...extra },
    { json: opts.json },
  )
}

/** Introspects as the designated resource server (or another client). */
export async function introspect(env: Env, token: string, as: Client = env.f.RS): Promise<Record<string, unknown>> {
  const res = await postForm(env.server.url, '/oauth/introspect', as, { token })
  if (res.status !== 200) throw new Error(`introspection failed: ${res.status} ${await res.text()}`)
  return (await res.json()) as Record<string, unknown>
}

export function userinfo(env: Env, token: string, path = '/oauth/userinfo'): Promise<Response> {
  return fetch(env.server.url + path, { headers: { Authorization: `Bearer ${token}` } })
}

export function tokenInfo(env: Env, token: string): Promise<Response> {
  return fetch(env.server.url + '/oauth/token/info', { headers: { Authorization: `Bearer ${token}` } })
}

/** A GET of /authorize without following anything. */
export function rawAuthorize(
  env: Env,
  query: Record<string, string>,
  opts: { path?: string; browser?: Browser } = {},
): Promise<Response> {
  const path = `${opts.path ?? '/oauth/authorize'}?${new URLSearchParams(query)}`
  return opts.browser ? opts.browser.get(path) : fetch(env.server.url + path, { redirect: 'manual' })
}

/** EP: an HTML error page, no Location towards the client. */
export async function expectErrorPage(res: Response): Promise<string> {
  const body = await res.text()
  if (res.status < 400 || res.status >= 500) throw new Error(`expected a 4xx error page, got ${res.status}`)
  if (res.headers.get('location') !== null)
    throw new Error(`error page must not redirect, got Location ${res.headers.get('location')}`)
  if (!(res.headers.get('content-type') ?? '').startsWith('text/html')) throw new Error('error page is not HTML')
  if (/lkac_/.test(body)) throw new Error('error page carries a code')
  return body
}

/** The redirect target of a 302/303, or throws. */
export function location(res: Response, base: string): URL {
  const loc = res.headers.get('location')
  if (!loc || (res.status !== 302 && res.status !== 303))
    throw new Error(`expected a 302/303 redirect, got ${res.status}`)
  return new URL(loc, base)
}

/** Storage audits (checklist O.77): the SHA-256 the store keeps in place of a secret. */
export const sha256Hex = (s: string): string => createHash('sha256').update(s).digest('hex')

/** A SQLite file and its WAL and shared-memory companions, as they are on disk now. */
export function sqliteFiles(base: string): Array<[string, Buffer]> {
  return [base, `${base}-wal`, `${base}-shm`].filter((p) => existsSync(p)).map((p) => [p, readFileSync(p)])
}

/** The raw value, and for prefixed secrets the random part alone, as text and as the bytes it encodes. */
export function secretNeedles(secret: string): Buffer[] {
  const out = [Buffer.from(secret)]
  const suffix = secret.replace(/^lk[a-z]+_/, '')
  if (suffix !== secret && /^[A-Za-z0-9_-]{22,}$/.test(suffix))
    out.push(Buffer.from(suffix), Buffer.from(suffix, 'base64url'))
  // a token's random part alone, after the row id it names (crypto/token-values.ts)
  if (suffix.length === 65)
    out.push(
      Buffer.from(suffix.slice(22)),
      Buffer.from(suffix.slice(22), 'base64url'),
      Buffer.from(Buffer.from(suffix.slice(22), 'base64url').toString('hex')),
    )
  return out
}
