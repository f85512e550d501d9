/**
 * @module
 * The Latchkey side of the benchmark: a database prepared in-process through the services (users,
 * applications, a personal token for GraphQL) and the bulk repository (a million live tokens,
 * one-use refresh tokens and codes), then the compiled binary serving that same file.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { loadConfig } from '../src/config.ts'
import { newId } from '../src/crypto/ids.ts'
import { generateSecret, sha256Base64Url, sha256Hex } from '../src/crypto/secrets.ts'
import { newToken } from '../src/crypto/token-values.ts'
import { openProvider, type Provider } from '../src/provider.ts'
import { bulkInsert } from '../src/store/repositories/bench-seed.ts'

export const REDIRECT_URI = 'http://127.0.0.1:9/cb'
export const VERIFIER = 'bench-verifier-0123456789-0123456789-0123456789'
const PASSWORD = 'correct horse battery staple'
/** Applications on the GraphQL page (the bench client is one of them). */
const APPS = 50

export interface LatchkeyFixture {
  provider: Provider
  dir: string
  db: string
  basicAuth: string
  introspectToken: string
  userinfoToken: string
  adminToken: string
  username: string
  password: string
  appId: string
  userId: string
}

/** Creates an empty database next to the maintenance URL's and returns its URL. */
async function freshPostgresDatabase(maintenanceUrl: string): Promise<string> {
  const { default: pg } = await import('pg')
  const name = `latchkey_bench_${crypto.randomUUID().replaceAll('-', '').slice(0, 12)}`
  const client = new pg.Client({ connectionString: maintenanceUrl })
  await client.connect()
  try {
    await client.query(`create database ${name}`)
  } finally {
    await client.end()
  }
  const url = new URL(maintenanceUrl)
  url.pathname = `/${name}`
  return url.toString()
}

export async function prepareLatchkey(liveTokens: number, log: (s: string) => void): Promise<LatchkeyFixture> {
  const dir = mkdtempSync(join(process.env.BENCH_TMP ?? tmpdir(), 'latchkey-bench-'))
  // BENCH_DATABASE_URL=postgres://… (a role that may CREATE DATABASE) runs Latchkey on a fresh
  // PostgreSQL database per dataset instead of a SQLite file.
  const db = process.env.BENCH_DATABASE_URL
    ? await freshPostgresDatabase(process.env.BENCH_DATABASE_URL)
    : join(dir, 'bench.db')
  const config = loadConfig({
    flags: {
      [db.startsWith('postgres') ? 'database-url' : 'db']: db,
      issuer: 'http://127.0.0.1',
      'log-level': 'warn',
      metrics: 'off',
    },
    env: {},
  })
  const provider = await openProvider(config, { logger: { log() {} } })
  const { services } = provider
  const alice = await services.users.create({
    username: 'alice',
    password: PASSWORD,
    email: 'alice@example.test',
    name: 'Alice Bench',
  })
  const admin = await services.users.create({ username: 'bench-admin', password: PASSWORD, isAdmin: true })
  const { application, clientSecret } = await services.applications.create({
    name: 'bench',
    redirectUris: [REDIRECT_URI],
    grantTypes: ['client_credentials', 'authorization_code', 'refresh_token'],
    scopes: ['openid', 'profile', 'email', 'offline_access', 'read_user'],
  })
  const appIds = [application.id]
  for (let i = 1; i < APPS; i++)
    appIds.push(
      (
        await services.applications.create({
          name: `bench-${i}`,
          grantTypes: ['client_credentials'],
          scopes: ['read_user'],
        })
      ).application.id,
    )
  const now = Math.floor(Date.now() / 1000)
  const issue = (scopes: string[]) =>
    services.tokens.issue({ application, userId: alice.id, scopes, withRefresh: false, authTime: now })
  const fixture: LatchkeyFixture = {
    provider,
    dir,
    db,
    basicAuth: `Basic ${btoa(`${application.clientId}:${clientSecret}`)}`,
    introspectToken: (await issue(['read_user'])).accessToken,
    userinfoToken: (await issue(['openid', 'profile', 'email'])).accessToken,
    adminToken: (await services.tokens.issuePersonal(admin.id, ['admin:read'], null)).token,
    username: 'alice',
    password: PASSWORD,
    appId: application.id,
    userId: alice.id,
  }
  if (liveTokens > 0) await seedLiveTokens(fixture, appIds, liveTokens, log)
  return fixture
}

/** Live tokens spread over the applications: three quarters access tokens, one quarter refresh. */
async function seedLiveTokens(
  f: LatchkeyFixture,
  appIds: string[],
  total: number,
  log: (s: string) => void,
): Promise<void> {
  const started = performance.now()
  const db = f.provider.db
  const now = Math.floor(Date.now() / 1000)
  // Keys of the current format (crypto/token-values.ts): the row id, then a digest (random here).
  const seedKey = (id: string) =>
    `${id.replaceAll('-', '')}.${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url')}`
  const access = Math.round(total * 0.75)
  // Seeding only: no fsync at checkpoints on this connection (the served file is the same).
  await sql`PRAGMA synchronous = OFF`.execute(db)
  await bulkInsert(db, 'access_tokens', access, (i) => {
    const id = newId()
    return {
      id,
      token_hash: seedKey(id),
      hint: 'seed',
      kind: 'oauth' as const,
      application_id: appIds[i % appIds.length]!,
      user_id: f.userId,
      scopes: 'read_user',
      family_id: newId(),
      authorization_code_id: null,
      created_at: now,
      expires_at: now + 30 * 86400,
      last_used_at: null,
      revoked_at: null,
    }
  })
  await bulkInsert(db, 'refresh_tokens', total - access, (i) => {
    const id = newId()
    return {
      id,
      token_hash: seedKey(id),
      hint: 'seed',
      family_id: newId(),
      application_id: appIds[i % appIds.length]!,
      user_id: f.userId,
      scopes: 'read_user',
      auth_time: now,
      authorization_code_id: null,
      created_at: now,
      expires_at: now + 30 * 86400,
      rotated_at: null,
      revoked_at: null,
    }
  })
  await sql`PRAGMA synchronous = NORMAL`.execute(db)
  log(`seeded ${total.toLocaleString('en')} live tokens in ${((performance.now() - started) / 1000).toFixed(1)} s`)
}

/** One-use credentials for a timed run, written straight to the store the binary serves. */
export async function mintLatchkey(
  f: LatchkeyFixture,
  kind: 'refresh' | 'refresh-id' | 'code',
  n: number,
): Promise<string[]> {
  const db = f.provider.db
  const now = Math.floor(Date.now() / 1000)
  const values: string[] = []
  if (kind === 'code') {
    const challenge = sha256Base64Url(VERIFIER)
    await bulkInsert(db, 'authorization_codes', n, () => {
      const code = generateSecret('authorizationCode')
      values.push(code)
      return {
        id: newId(),
        code_hash: sha256Hex(code),
        application_id: f.appId,
        user_id: f.userId,
        redirect_uri: REDIRECT_URI,
        redirect_uri_sent: 1,
        scopes: 'openid profile email',
        code_challenge: challenge,
        code_challenge_method: 'S256',
        nonce: null,
        auth_time: now,
        created_at: now,
        expires_at: now + 600,
        consumed_at: null,
      }
    })
    return values
  }
  const scopes = kind === 'refresh' ? 'profile email' : 'openid profile email'
  await bulkInsert(db, 'refresh_tokens', n, () => {
    const id = newId()
    const { value: token, key } = newToken('refresh', id)
    values.push(token)
    return {
      id,
      token_hash: key,
      hint: token.slice(-4),
      family_id: newId(),
      application_id: f.appId,
      user_id: f.userId,
      scopes,
      auth_time: now,
      authorization_code_id: null,
      created_at: now,
      expires_at: now + 30 * 86400,
      rotated_at: null,
      revoked_at: null,
    }
  })
  return values
}
