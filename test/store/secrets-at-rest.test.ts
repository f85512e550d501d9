/** Security cases O (docs/security.md): secrets at rest (case 77) and the quality of issued secrets (case 78). */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { sql } from 'kysely'
import { Browser } from '../helpers/browser.ts'
import { onPostgres } from '../helpers/database.ts'
import { PASSWORD, type Client } from '../helpers/fixtures.ts'
import { postForm } from '../helpers/oauth.ts'
import { TOKEN_KEY, storedTokenKey, tokenSecretBytes } from '../helpers/token-keys.ts'
import {
  DIALECTS,
  exchange,
  getCode,
  refresh,
  secretNeedles,
  setup,
  sha256Hex,
  sqliteFiles,
  tokensFor,
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

/** PostgreSQL has no file to read here: every row of every table, as text, is what it keeps at rest. */
async function storedData(): Promise<Array<[string, Buffer]>> {
  if (!onPostgres) return databaseFiles()
  const db = env.server.db
  const { rows } = await sql<{
    t: string
  }>`select tablename as t from pg_tables where schemaname = current_schema()`.execute(db)
  return Promise.all(
    rows.map(
      async ({ t }): Promise<[string, Buffer]> => [
        `table ${t}`,
        Buffer.from(JSON.stringify((await sql`select * from ${sql.table(t)}`.execute(db)).rows)),
      ],
    ),
  )
}

/** Where a secret, or the random bytes behind it, occurs in the database files. */
function occurrences(files: Array<[string, Buffer]>, secret: string): string[] {
  const needles = secretNeedles(secret)
  return files.flatMap(([path, buf]) => needles.filter((n) => buf.includes(n)).map(() => path))
}

describe('O.77 secrets at rest', () => {
  test(
    'RFC 6819 §5.1.4.1.3; Hydra security design; doorkeeper hash_token_secrets: ' +
      'after full flows no raw secret, code, token, session or password is in the SQLite file, its WAL or -shm',
    async () => {
      const services = env.server.provider.services
      const secrets = new Map<string, string>() // value → what it is
      const keep = (what: string, value: string | null | undefined) => {
        if (value) secrets.set(value, what)
      }
      keep('password', PASSWORD)
      const otherPassword = 'zebra-quartz-lantern-91'
      await services.users.create({ username: 'oscar', email: 'oscar@example.com', password: otherPassword })
      keep('password', otherPassword)
      for (const c of [env.f.C1, env.f.C2, env.f.RS]) keep('client secret', c.secret)
      const rotated = await services.applications.rotateSecret(env.f.C2.clientId)
      keep('rotated client secret', rotated.clientSecret)

      const browsers = [env.browser, new Browser(env.server.url)]
      for (const dialect of DIALECTS) {
        for (const json of [false, true]) {
          const client: Client = env.f.C1
          const { code, verifier } = await getCode(env, client, { dialect })
          keep('code', code)
          keep('code_verifier', verifier)
          const res = await exchange(env, client, code, verifier, { dialect, json })
          const tokens = (await res.json()) as { access_token: string; refresh_token: string }
          keep('access token', tokens.access_token)
          keep('refresh token', tokens.refresh_token)
          await exchange(env, client, code, verifier, { dialect, json }) // a replay, which revokes
          const second = await tokensFor(env, client, { dialect, json })
          keep('access token', second.access_token)
          keep('refresh token', second.refresh_token)
          const rotatedPair = (await (
            await refresh(env, client, second.refresh_token!, {}, { dialect, json })
          ).json()) as { access_token: string; refresh_token: string }
          keep('access token', rotatedPair.access_token)
          keep('refresh token', rotatedPair.refresh_token)
          await refresh(env, client, second.refresh_token!, {}, { dialect, json }) // reuse, which revokes the family
          const publicPair = await tokensFor(env, env.f.P1, {
            dialect,
            json,
            scope: 'openid',
            browser: browsers[1],
            username: 'bob',
          })
          keep('access token', publicPair.access_token)
          keep('refresh token', publicPair.refresh_token)
          await postForm(env.server.url, '/oauth/revoke', env.f.P1, { token: publicPair.access_token }, { json })
          await postForm(env.server.url, '/oauth/introspect', env.f.RS, { token: rotatedPair.access_token }, { json })
          await fetch(`${env.server.url}${dialect.userinfo}?access_token=${rotatedPair.access_token}`)
        }
      }
      const unused = await getCode(env, env.f.C1)
      keep('unredeemed code', unused.code)
      const personal = await services.tokens.issuePersonal(env.f.alice.id, ['read_user'], 3600)
      keep('personal access token', personal.token)
      for (const b of browsers) for (const [name, value] of b.cookies) keep(`cookie ${name}`, value)
      expect(secrets.size).toBeGreaterThan(30)

      const check = (files: Array<[string, Buffer]>) => {
        const hits = [...secrets].flatMap(([value, what]) =>
          occurrences(files, value).map((path) => `${what} in ${path}`),
        )
        expect(hits).toEqual([])
        // positive control: the scan does see what is stored in the clear
        expect(files.some(([, buf]) => buf.includes(Buffer.from(env.f.C1.clientId)))).toBe(true)
      }
      check(await storedData())
      if (!onPostgres) {
        await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(env.server.db)
        check(databaseFiles())
      }

      // only SHA-256 digests are stored, and they are the digests of what was issued; a token's key
      // is its row id and its digest (crypto/token-values.ts), a code's, session's or secret's the bare digest
      const db = env.server.db
      const tokenKeys = [
        ...(await db.selectFrom('access_tokens').select('token_hash as h').execute()),
        ...(await db.selectFrom('refresh_tokens').select('token_hash as h').execute()),
      ].map((r) => r.h as string)
      const hashes = [
        ...(await db.selectFrom('authorization_codes').select('code_hash as h').execute()),
        ...(await db.selectFrom('sessions').select('token_hash as h').execute()),
        ...(await db
          .selectFrom('applications')
          .select('client_secret_hash as h')
          .where('client_secret_hash', 'is not', null)
          .execute()),
      ].map((r) => r.h as string)
      for (const k of tokenKeys) expect(k).toMatch(TOKEN_KEY)
      for (const h of hashes) expect(h).toMatch(/^[0-9a-f]{64}$/)
      const stored = new Set([...tokenKeys, ...hashes])
      const isToken = (what: string) => / token$/.test(what)
      for (const [value, what] of secrets)
        if (
          !what.startsWith('password') &&
          what !== 'code_verifier' &&
          what !== 'cookie latchkey_login' &&
          what !== 'client secret' &&
          what !== 'rotated client secret'
        )
          expect({ what, stored: stored.has(isToken(what) ? storedTokenKey(value) : sha256Hex(value)) }).toEqual({
            what,
            stored: true,
          })
      expect(stored.has(sha256Hex(rotated.clientSecret!))).toBe(true)

      const passwords = await db.selectFrom('users').select('password_hash').execute()
      expect(passwords.length).toBeGreaterThanOrEqual(3)
      for (const { password_hash } of passwords) expect(password_hash).toStartWith('$argon2id$')
    },
  )
})

describe('O.78 issued secrets are unique, prefixed and random', () => {
  /** Bytes after the prefix (and, for a token, after the row id it names): the random part. */
  function randomPart(value: string, prefix: string): Buffer {
    expect(value.startsWith(prefix)).toBe(true)
    const suffix = value.slice(prefix.length)
    expect(suffix).toMatch(/^[A-Za-z0-9_-]+$/)
    return prefix === 'lkat_' || prefix === 'lkrt_' ? tokenSecretBytes(value) : Buffer.from(suffix, 'base64url')
  }

  /**
   * Each of the first 128 bit positions is set in about half the samples: no counter, no constant.
   * The band is six standard deviations of a fair bit's share for this many samples, so a random
   * source fails it about once in 10^6 runs of all 512 checks, while a stuck bit (share 0 or 1) always does.
   */
  function expectBalancedBits(samples: Buffer[]): void {
    const band = 6 * Math.sqrt(0.25 / samples.length)
    for (let bit = 0; bit < 128; bit++) {
      let ones = 0
      for (const s of samples) ones += (s[bit >> 3]! >> (7 - (bit & 7))) & 1
      const share = ones / samples.length
      expect({ bit, balanced: Math.abs(share - 0.5) < band }).toEqual({ bit, balanced: true })
    }
  }

  test('RFC 6749 §10.10; RFC 6819 §5.1.4.2.2: 10,000 issued codes, tokens and client secrets → ' +
    'all unique, prefixed, ≥ 128 random bits', async () => {
    const services = env.server.provider.services
    const app = await services.applications.create({ name: 'Entropy', redirectUris: ['https://entropy.example/cb'] })
    const kinds: Record<string, { prefix: string; values: string[] }> = {
      code: { prefix: 'lkac_', values: [] },
      access: { prefix: 'lkat_', values: [] },
      refresh: { prefix: 'lkrt_', values: [] },
      secret: { prefix: 'lkcs_', values: [] },
    }
    for (let i = 0; i < 3000; i++) {
      kinds.code!.values.push(
        await services.codes.issue({
          applicationId: app.application.id,
          userId: env.f.alice.id,
          redirectUri: 'https://entropy.example/cb',
          redirectUriSent: true,
          scopes: ['openid'],
          codeChallenge: null,
          codeChallengeMethod: null,
          nonce: null,
          authTime: 0,
        }),
      )
      const t = await services.tokens.issue({
        application: app.application,
        userId: env.f.alice.id,
        scopes: ['openid'],
        withRefresh: true,
        authTime: null,
      })
      kinds.access!.values.push(t.accessToken)
      kinds.refresh!.values.push(t.refreshToken!)
    }
    for (let i = 0; i < 1000; i++)
      kinds.secret!.values.push((await services.applications.rotateSecret(app.application.clientId)).clientSecret!)
    // and some issued over HTTP
    for (let i = 0; i < 5; i++) {
      const t = await tokensFor(env, env.f.C1, { scope: 'openid' })
      kinds.access!.values.push(t.access_token)
      kinds.refresh!.values.push(t.refresh_token!)
    }

    const all = Object.values(kinds).flatMap((k) => k.values)
    expect(all.length).toBeGreaterThanOrEqual(10_000)
    expect(new Set(all).size).toBe(all.length)
    for (const [kind, { prefix, values }] of Object.entries(kinds)) {
      const samples = values.map((v) => randomPart(v, prefix))
      for (const s of samples)
        expect({ kind, bits: s.length * 8 >= (kind === 'code' || kind === 'secret' ? 128 : 256) }).toEqual({
          kind,
          bits: true,
        })
      expectBalancedBits(samples)
    }
  }, 60_000)
})
