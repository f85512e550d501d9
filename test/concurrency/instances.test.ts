/**
 * Issue 7: several compiled-binary instances on different loopback ports against one PostgreSQL
 * database, as behind a load balancer: they start (and migrate) at the same moment, a flow hops
 * between them, and a signing-key rotation made on one is honoured by the others.
 *
 * PostgreSQL only: SQLite is the one-machine, one-instance engine (a file is not shared by
 * several servers), so on SQLite these tests are skipped; they run in CI's PostgreSQL pass.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose'
import pg from 'pg'
import { runBinary, startBinary, type RunningBinary } from '../helpers/binary.ts'
import { Browser } from '../helpers/browser.ts'
import { createTestDatabase, onPostgres, type TestDatabase } from '../helpers/database.ts'
import { PASSWORD, type Client } from '../helpers/fixtures.ts'
import { pkcePair, postForm } from '../helpers/oauth.ts'

/** Signing keys and scopes are cached this long per instance (src/services/keys/signing-keys.ts). */
const CACHE_SECONDS = 5
const INSTANCES = 3
/** The public URL all instances answer for, as behind a load balancer. */
const ISSUER = 'https://login.example'

async function query<T>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query(text)).rows as T[]
  } finally {
    await client.end()
  }
}

describe.skipIf(!onPostgres)('issue 7: latchkey migrate on a fresh PostgreSQL database', () => {
  test(`${INSTANCES} concurrent \`latchkey migrate\` runs: ` +
    'all succeed, each migration is applied exactly once', async () => {
    await using database = await createTestDatabase()
    const runs = await Promise.all(
      Array.from({ length: INSTANCES }, () => runBinary(['migrate', '--database-url', database.url, '--json'])),
    )
    for (const r of runs) expect(r.code).toBe(0)
    const applied = runs.map((r) => r.json<{ applied: string[] }>().applied)
    // One run applied everything; the others waited for its lock and found nothing left to do.
    expect(applied.filter((a) => a.length > 0)).toHaveLength(1)
    const rows = await query<{ name: string; n: string }>(
      database.url,
      'select name, count(*) as n from kysely_migration group by name',
    )
    expect(rows.map((r) => r.name).sort()).toEqual(applied.find((a) => a.length > 0)!.sort())
    expect(rows.every((r) => Number(r.n) === 1)).toBe(true)
  }, 60_000)
})

describe.skipIf(!onPostgres)(`issue 7: ${INSTANCES} instances of the binary on one PostgreSQL database`, () => {
  let database: TestDatabase
  let lk: RunningBinary[] = []
  let app: Client
  let rs: Client
  let adminToken: string

  beforeAll(async () => {
    database = await createTestDatabase()
    // All three start at once on the empty database: each migrates on start and makes sure keys exist.
    lk = await Promise.all(
      Array.from({ length: INSTANCES }, () =>
        startBinary({ args: ['--database-url', database.url, '--issuer', ISSUER, '--log-level', 'warn'] }),
      ),
    )
    const cli = (args: string[], stdin?: string) =>
      runBinary([...args, '--database-url', database.url, '--json'], { stdin })
    expect(
      (
        await cli(
          ['user', 'create', '--username', 'alice', '--email', 'alice@example.com', '--admin', '--password-stdin'],
          PASSWORD + '\n',
        )
      ).code,
    ).toBe(0)
    const created = (
      await cli([
        'app',
        'create',
        '--name',
        'Forge',
        '--redirect-uri',
        'https://forge.example/cb',
        '--scopes',
        'openid profile email',
        '--trusted',
      ])
    ).json()
    app = { clientId: created.client_id, secret: created.client_secret, redirectUri: 'https://forge.example/cb' }
    const server = (
      await cli(['app', 'create', '--name', 'API', '--redirect-uri', 'https://api.example/cb', '--introspect'])
    ).json()
    rs = { clientId: server.client_id, secret: server.client_secret, redirectUri: 'https://api.example/cb' }
    adminToken = (await cli(['token', 'create', '--username', 'alice', '--scopes', 'admin'])).json().token
  }, 120_000)

  afterAll(async () => {
    for (const b of lk) await b[Symbol.asyncDispose]()
    await database?.drop()
  })

  /** Authorize on instance `at` (login and consent through its pages), returning code and verifier. */
  async function authorizeOn(at: number): Promise<{ code: string; verifier: string }> {
    const { verifier, challenge } = pkcePair()
    const browser = new Browser(lk[at]!.url)
    const redirect = await browser.authorize({
      response_type: 'code',
      client_id: app.clientId,
      redirect_uri: app.redirectUri,
      scope: 'openid profile',
      state: 'x',
      nonce: 'n',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    })
    return { code: redirect.searchParams.get('code')!, verifier }
  }
  const redeemOn = async (at: number, code: string, verifier: string) => {
    const res = await postForm(lk[at]!.url, '/oauth/token', app, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: app.redirectUri,
      code_verifier: verifier,
    })
    expect(res.status).toBe(200)
    return (await res.json()) as { access_token: string; refresh_token: string; id_token: string }
  }
  const introspectOn = async (at: number, token: string) =>
    (await (await postForm(lk[at]!.url, '/oauth/introspect', rs, { token })).json()) as {
      active: boolean
      client_id?: string
    }
  const jwksOf = async (at: number) =>
    (await (await fetch(`${lk[at]!.url}/oauth/discovery/keys`)).json()) as JSONWebKeySet
  const verifyWith = (set: JSONWebKeySet, idToken: string) =>
    jwtVerify(idToken, createLocalJWKSet(set), { audience: app.clientId, issuer: ISSUER })

  test('every instance publishes the same JWKS, though all three made keys on an empty database at once', async () => {
    const sets = await Promise.all(lk.map((_, i) => jwksOf(i)))
    const kids = sets.map((s) => s.keys.map((k) => k.kid).sort())
    expect(kids[1]).toEqual(kids[0]!)
    expect(kids[2]).toEqual(kids[0]!)
  })

  test('authorize on the first, redeem on the second, ' +
    'refresh and introspect on the third; revoke on one, inactive on all', async () => {
    const { code, verifier } = await authorizeOn(0)
    const tokens = await redeemOn(1, code, verifier)
    await verifyWith(await jwksOf(2), tokens.id_token)
    expect(await introspectOn(2, tokens.access_token)).toMatchObject({ active: true, client_id: app.clientId })

    const refreshed = await postForm(lk[2]!.url, '/oauth/token', app, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
    })
    expect(refreshed.status).toBe(200)
    const next = (await refreshed.json()) as { access_token: string; refresh_token: string }
    // The rotated pair: the old access token is gone on every instance, the new one works on every instance.
    for (let i = 0; i < INSTANCES; i++) {
      expect((await introspectOn(i, tokens.access_token)).active).toBe(false)
      expect((await introspectOn(i, next.access_token)).active).toBe(true)
    }
    // Replaying the rotated refresh token on another instance revokes the family everywhere (RFC 9700 §4.14.2).
    expect(
      (
        await postForm(lk[0]!.url, '/oauth/token', app, {
          grant_type: 'refresh_token',
          refresh_token: tokens.refresh_token,
        })
      ).status,
    ).toBe(400)
    for (let i = 0; i < INSTANCES; i++) expect((await introspectOn(i, next.access_token)).active).toBe(false)

    const userinfo = await fetch(`${lk[1]!.url}/oauth/userinfo`, {
      headers: { Authorization: `Bearer ${next.access_token}` },
    })
    expect(userinfo.status).toBe(401)
  }, 60_000)

  test('a signing-key rotation made on the first instance ' +
    'is honoured by the others within the cache period', async () => {
    const first = await authorizeOn(0)
    const before = await redeemOn(1, first.code, first.verifier)
    const oldKid = decodeProtectedHeader(before.id_token).kid

    const res = await fetch(`${lk[0]!.url}/graphql`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({
        query:
          'mutation { rotateSigningKey(input: { algorithm: "RS256" })' +
          ' { __typename ... on RotateSigningKeyPayload { keys { kid status } } } }',
      }),
    })
    const body = (await res.json()) as {
      data: { rotateSigningKey: { __typename: string; keys: Array<{ kid: string; status: string }> } }
    }
    expect(body.data.rotateSigningKey.__typename).toBe('RotateSigningKeyPayload')
    const [fresh, retired] = body.data.rotateSigningKey.keys
    expect(retired).toMatchObject({ kid: oldKid, status: 'retired' })

    await Bun.sleep((CACHE_SECONDS + 1) * 1000)
    for (let i = 0; i < INSTANCES; i++) {
      const kids = (await jwksOf(i)).keys.map((k) => k.kid)
      expect(kids).toContain(fresh!.kid)
      expect(kids).toContain(oldKid) // still published: tokens it signed have not expired
    }
    // New ID tokens from another instance carry the new kid; the old one still verifies on a third.
    const second = await authorizeOn(1)
    const after = await redeemOn(2, second.code, second.verifier)
    expect(decodeProtectedHeader(after.id_token).kid).toBe(fresh!.kid)
    await verifyWith(await jwksOf(0), after.id_token)
    await verifyWith(await jwksOf(2), before.id_token)
  }, 60_000)
})
