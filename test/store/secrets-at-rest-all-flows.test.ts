/**
 * Security case O.77 (docs/security.md) across every flow: authorization code + refresh + revoke, device flow, password
 * grant, client credentials, personal access tokens, client-secret rotation and the GraphQL
 * mutations that mint secrets. Afterwards no raw secret the run used may be in the SQLite file,
 * its WAL or its shared-memory file. (o-storage.test.ts covers the code flow in depth.)
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { sql } from 'kysely'
import { DEVICE_CODE_GRANT } from '../../src/services/applications/applications.ts'
import { ok } from '../graphql/support.ts'
import { Browser, formFields } from '../helpers/browser.ts'
import { onPostgres } from '../helpers/database.ts'
import { PASSWORD, type Client } from '../helpers/fixtures.ts'
import { postForm } from '../helpers/oauth.ts'
import {
  DIALECTS,
  getCode,
  exchange,
  refresh,
  secretNeedles,
  setup,
  sha256Hex,
  sqliteFiles,
  type Env,
} from '../helpers/flows.ts'

let env: Env
beforeAll(async () => {
  env = await setup()
})
afterAll(async () => {
  await env.server[Symbol.asyncDispose]()
})

const databaseFiles = () => sqliteFiles(env.server.config.db)
const needles = secretNeedles

async function json<T = Record<string, unknown>>(res: Response | Promise<Response>): Promise<T> {
  const r = await res
  if (r.status !== 200) throw new Error(`expected 200, got ${r.status}: ${await r.text()}`)
  return (await r.json()) as T
}

// On PostgreSQL there is no file to scan; o-storage.test.ts dumps the tables there.
describe.skipIf(onPostgres)('O.77 secrets at rest after every flow', () => {
  test('RFC 6819 §5.1.4.1.3; Hydra security design; doorkeeper ' +
    'hash_token_secrets/hash_application_secrets: no raw secret, code, token, device code, ' +
    'user code or password from any flow is in the SQLite file, its WAL or -shm', async () => {
    const { server, f } = env
    const s = server.provider.services
    const url = server.url
    const secrets = new Map<string, string>()
    const keep = (what: string, value: string | null | undefined) => {
      if (value) secrets.set(value, what)
    }
    keep('password', PASSWORD)
    for (const c of [f.C1, f.C2, f.RS]) keep('client secret', c.secret)

    // 1. authorization code + PKCE, refresh (rotation), revocation — both dialects
    for (const dialect of DIALECTS) {
      const { code, verifier } = await getCode(env, f.C1, { dialect })
      keep('code', code)
      keep('code_verifier', verifier)
      const t = await json<{ access_token: string; refresh_token: string }>(
        exchange(env, f.C1, code, verifier, { dialect }),
      )
      keep('access token', t.access_token)
      keep('refresh token', t.refresh_token)
      const r = await json<{ access_token: string; refresh_token: string }>(
        refresh(env, f.C1, t.refresh_token, {}, { dialect }),
      )
      keep('access token', r.access_token)
      keep('refresh token', r.refresh_token)
      expect((await postForm(url, '/oauth/revoke', f.C1, { token: r.refresh_token })).status).toBe(200)
      expect(
        (await postForm(url, '/oauth/revoke', f.C1, { token: t.access_token, token_type_hint: 'access_token' })).status,
      ).toBe(200)
    }

    // 2. device flow: approved (tokens), denied, and left pending — user codes in both spellings
    const device = await s.applications.create({
      name: 'Device',
      isPublic: true,
      grantTypes: [DEVICE_CODE_GRANT, 'refresh_token'],
      scopes: ['openid', 'read_user'],
    })
    const D: Client = { clientId: device.application.clientId, secret: null, redirectUri: '' }
    const browser = new Browser(url)
    await browser.login('bob')
    const deviceCodes: Array<{ device_code: string; user_code: string }> = []
    for (const decision of ['approve', 'deny', null] as const) {
      const d = await json<{ device_code: string; user_code: string }>(
        postForm(url, '/oauth/authorize_device', D, { scope: 'openid read_user' }),
      )
      deviceCodes.push(d)
      keep('device code', d.device_code)
      keep('user code', d.user_code)
      keep('user code (compact)', d.user_code.replace('-', ''))
      keep('user code (lower case)', d.user_code.toLowerCase())
      if (!decision) continue
      const page = await (
        await browser.post('/oauth/device', {
          ...formFields(await (await browser.get('/oauth/device')).text()),
          user_code: d.user_code.replace('-', '').toLowerCase(),
        })
      ).text()
      expect((await browser.post('/oauth/device/decision', { ...formFields(page), decision })).status).toBe(200)
    }
    const dt = await json<{ access_token: string; refresh_token: string }>(
      postForm(url, '/oauth/token', D, { grant_type: DEVICE_CODE_GRANT, device_code: deviceCodes[0]!.device_code }),
    )
    keep('access token (device)', dt.access_token)
    keep('refresh token (device)', dt.refresh_token)
    const dr = await json<{ access_token: string; refresh_token: string }>(refresh(env, D, dt.refresh_token))
    keep('access token (device refresh)', dr.access_token)
    keep('refresh token (device refresh)', dr.refresh_token)

    // 3. password grant, with a failed attempt first
    const ropc = await s.applications.create({
      name: 'Legacy',
      grantTypes: ['password', 'refresh_token'],
      scopes: ['openid', 'read_user'],
    })
    const R: Client = { clientId: ropc.application.clientId, secret: ropc.clientSecret, redirectUri: '' }
    keep('client secret (password app)', R.secret)
    const wrongPassword = 'wrong-but-memorable-42'
    keep('wrong password', wrongPassword)
    expect(
      (await postForm(url, '/oauth/token', R, { grant_type: 'password', username: 'alice', password: wrongPassword }))
        .status,
    ).toBe(400)
    const pt = await json<{ access_token: string; refresh_token: string }>(
      postForm(
        url,
        '/oauth/token',
        R,
        { grant_type: 'password', username: 'alice', password: PASSWORD, scope: 'read_user' },
        { json: true },
      ),
    )
    keep('access token (password)', pt.access_token)
    keep('refresh token (password)', pt.refresh_token)

    // 4. client credentials
    const m2m = await s.applications.create({
      name: 'CI bot',
      grantTypes: ['client_credentials'],
      scopes: ['read_user'],
    })
    const M: Client = { clientId: m2m.application.clientId, secret: m2m.clientSecret, redirectUri: '' }
    keep('client secret (m2m)', M.secret)
    const ct = await json<{ access_token: string }>(
      postForm(url, '/oauth/token', M, { grant_type: 'client_credentials', scope: 'read_user' }),
    )
    keep('access token (client credentials)', ct.access_token)
    await postForm(url, '/oauth/introspect', f.RS, { token: ct.access_token })

    // 5. personal access token, and 6. client-secret rotation through the service
    const root = await s.users.create({ username: 'root', password: 'root-password-9a7b', isAdmin: true })
    keep('password (root)', 'root-password-9a7b')
    const adminPat = (await s.tokens.issuePersonal(root.id, ['admin'], 3600)).token
    keep('personal access token', adminPat)
    const rotated = await s.applications.rotateSecret(M.clientId)
    keep('rotated client secret', rotated.clientSecret)
    const ct2 = await json<{ access_token: string }>(
      postForm(url, '/oauth/token', { ...M, secret: rotated.clientSecret }, { grant_type: 'client_credentials' }),
    )
    keep('access token (rotated client)', ct2.access_token)

    // 7. GraphQL mutations that mint secrets, or take a password
    const created = await ok(
      server,
      adminPat,
      'mutation { createApplication(input: {name: "From GraphQL", redirectUris: ' +
        '["https://gql.example/cb"]}) { ... on ApplicationWithSecret { clientSecret application { ' +
        'id } } } }',
    )
    keep('client secret (GraphQL create)', created.createApplication.clientSecret)
    const rot = await ok(
      server,
      adminPat,
      `mutation {
        rotateApplicationSecret(input: {id: "${created.createApplication.application.id}"}) {
          ... on ApplicationWithSecret { clientSecret }
        }
      }`,
    )
    keep('client secret (GraphQL rotate)', rot.rotateApplicationSecret.clientSecret)
    const gpat = await ok(
      server,
      adminPat,
      'mutation { createPersonalAccessToken(input: {scopes: ["read_user"], expiresIn: 600}) { ' +
        '... on CreatePersonalAccessTokenPayload { value } } }',
    )
    keep('personal access token (GraphQL)', gpat.createPersonalAccessToken.value)
    const gqlPassword = 'quokka-harbour-lamp-17'
    const newUser = await ok(
      server,
      adminPat,
      `mutation { createUser(input: {username: "gwen", password: "${gqlPassword}"}) { __typename } }`,
    )
    expect(newUser.createUser.__typename).not.toMatch(/Error$/)
    keep('password (GraphQL createUser)', gqlPassword)

    for (const b of [env.browser, browser]) for (const [name, value] of b.cookies) keep(`cookie ${name}`, value)
    for (const [value, what] of secrets) expect({ what, minted: value.length >= 8 }).toEqual({ what, minted: true })
    expect(secrets.size).toBeGreaterThan(35)

    const check = (files: Array<[string, Buffer]>) => {
      expect(files.length).toBeGreaterThan(0)
      const hits = [...secrets].flatMap(([value, what]) =>
        files.flatMap(([path, buf]) => (needles(value).some((n) => buf.includes(n)) ? [`${what} in ${path}`] : [])),
      )
      expect(hits).toEqual([])
      // positive controls: the same scan finds what is stored in the clear
      for (const clear of [f.C1.clientId, D.clientId, 'gwen'])
        expect({ clear, found: files.some(([, buf]) => buf.includes(Buffer.from(clear))) }).toEqual({
          clear,
          found: true,
        })
    }
    check(databaseFiles())
    await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(server.db)
    check(databaseFiles())

    // what is stored instead is the SHA-256 digest (device codes by value, user codes in their normal form)
    const rows = await server.db.selectFrom('device_codes').select(['device_code_hash', 'user_code_hash']).execute()
    const stored = new Set(rows.flatMap((r) => [r.device_code_hash, r.user_code_hash]))
    for (const d of deviceCodes) {
      expect(stored.has(sha256Hex(d.device_code))).toBe(true)
      expect(stored.has(sha256Hex(d.user_code.replace('-', '')))).toBe(true)
    }
  }, 120_000)
})
