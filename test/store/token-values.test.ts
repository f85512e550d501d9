/**
 * Token values and their stored keys (src/crypto/token-values.ts): a token names its row id in
 * front of 256 random bits and is stored only as that id and its SHA-256 (RFC 6749 §10.10,
 * RFC 6819 §5.1.4.1.3). Tokens of the format before it keep working until they end.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createHash, randomBytes } from 'node:crypto'
import { newId } from '../../src/crypto/ids.ts'
import { newToken, tokenLookupKey, type TokenKind } from '../../src/crypto/token-values.ts'
import type { Application } from '../../src/services/applications/applications.ts'
import { accessKindOfRow, storedAccessKind } from '../../src/store/database.ts'
import { insertAccessToken, insertRefreshToken } from '../../src/store/repositories/tokens.ts'
import type { Client } from '../helpers/fixtures.ts'
import { postForm } from '../helpers/oauth.ts'
import { startServer, type TestServer } from '../helpers/server.ts'
import { storedTokenKey, TOKEN_KEY } from '../helpers/token-keys.ts'

let server: TestServer
let app: Application
let client: Client
beforeAll(async () => {
  server = await startServer()
  const created = await server.provider.services.applications.create({
    name: 'Keys',
    grantTypes: ['client_credentials', 'refresh_token'],
    redirectUris: ['https://keys.example/cb'],
    scopes: ['read_user'],
  })
  app = created.application
  client = { clientId: app.clientId, secret: created.clientSecret!, redirectUri: 'https://keys.example/cb' }
})
afterAll(async () => {
  await server[Symbol.asyncDispose]()
})

const services = () => server.provider.services
const db = () => server.db
const issue = () =>
  services().tokens.issue({ application: app, userId: null, scopes: ['read_user'], withRefresh: true, authTime: null })

/** The row id named by a token of the current format, as stored: 32 hex digits. */
const selectorHex = (value: string) => storedTokenKey(value).slice(0, 32)
const hexOf = (id: string) => id.replaceAll('-', '')

/** A token of the format before row ids, stored as its bare hex SHA-256, as older releases did. */
async function legacyTokens(): Promise<{ access: string; refresh: string }> {
  const access = 'lkat_' + randomBytes(32).toString('base64url')
  const refresh = 'lkrt_' + randomBytes(32).toString('base64url')
  const hex = (v: string) => createHash('sha256').update(v).digest('hex')
  const now = Math.floor(Date.now() / 1000)
  const family = newId()
  await insertAccessToken(db(), {
    id: newId(),
    token_hash: hex(access),
    hint: access.slice(-4),
    kind: 'oauth',
    application_id: app.id,
    user_id: null,
    scopes: 'read_user',
    family_id: family,
    authorization_code_id: null,
    created_at: now,
    expires_at: now + 3600,
    last_used_at: null,
    revoked_at: null,
  })
  await insertRefreshToken(db(), {
    id: newId(),
    token_hash: hex(refresh),
    hint: refresh.slice(-4),
    family_id: family,
    application_id: app.id,
    user_id: null,
    scopes: 'read_user',
    auth_time: null,
    authorization_code_id: null,
    created_at: now,
    expires_at: now + 86400,
    rotated_at: null,
    revoked_at: null,
  })
  return { access, refresh }
}

describe('token values', () => {
  test(
    'RFC 6749 §10.10; RFC 6819 §5.1.4.1.3: an issued token names its row and is stored only as ' +
      'the row id and its SHA-256',
    async () => {
      const tokens = await issue()
      for (const [value, table] of [
        [tokens.accessToken, 'access_tokens'],
        [tokens.refreshToken!, 'refresh_tokens'],
      ] as const) {
        expect(value).toMatch(/^lk(at|rt)_[A-Za-z0-9_-]{65}$/)
        const row = await db()
          .selectFrom(table)
          .select(['id', 'token_hash'])
          .where('token_hash', '=', storedTokenKey(value))
          .executeTakeFirstOrThrow()
        expect(row.token_hash).toMatch(TOKEN_KEY)
        expect(selectorHex(value)).toBe(hexOf(row.id))
        expect(row.token_hash).not.toContain(value.slice(-43))
      }
      expect(selectorHex(tokens.accessToken)).toBe(hexOf(tokens.accessTokenId))
    },
  )

  test(
    'keys of tokens issued one after another sort in issue order, so each INSERT lands at the ' +
      'end of the unique index',
    async () => {
      const keys: string[] = []
      for (let i = 0; i < 200; i++) keys.push(storedTokenKey((await issue()).accessToken))
      expect([...keys].sort()).toEqual(keys)
    },
  )

  test(
    'RFC 7662 §2.2; RFC 6749 §6; RFC 7009 §2.1: a token of the earlier format (stored as its ' +
      'bare SHA-256) still introspects, refreshes and revokes',
    async () => {
      const { access, refresh } = await legacyTokens()
      const introspected = await (await postForm(server.url, '/oauth/introspect', client, { token: access })).json()
      expect(introspected).toMatchObject({ active: true, client_id: app.clientId, scope: 'read_user' })
      const refreshed = await postForm(server.url, '/oauth/token', client, {
        grant_type: 'refresh_token',
        refresh_token: refresh,
      })
      expect(refreshed.status).toBe(200)
      const next = (await refreshed.json()) as { access_token: string; refresh_token: string }
      expect(next.refresh_token).toMatch(/^lkrt_[A-Za-z0-9_-]{65}$/) // new tokens take the current format
      // rotation revoked the family's earlier access token, legacy key and all
      expect(await (await postForm(server.url, '/oauth/introspect', client, { token: access })).json()).toEqual({
        active: false,
      })

      const other = await legacyTokens()
      expect((await postForm(server.url, '/oauth/revoke', client, { token: other.access })).status).toBe(200)
      expect(await services().tokens.findActive(other.access)).toBeUndefined()
    },
  )

  test(
    'RFC 6749 §10.10: a changed row id or a changed secret finds nothing, and malformed values ' +
      'are rejected without a lookup or an exception',
    async () => {
      const { accessToken } = await issue()
      const flip = (value: string, at: number) =>
        value.slice(0, at) + (value[at] === 'A' ? 'B' : 'A') + value.slice(at + 1)
      expect(await services().tokens.findActive(accessToken)).toBeDefined()
      expect(await services().tokens.findActive(flip(accessToken, 5))).toBeUndefined() // first character of the row id
      expect(await services().tokens.findActive(flip(accessToken, 26))).toBeUndefined() // last character of the row id
      expect(await services().tokens.findActive(flip(accessToken, accessToken.length - 1))).toBeUndefined()
      // another row's id with this token's secret
      const other = (await issue()).accessToken
      expect(await services().tokens.findActive(other.slice(0, 27) + accessToken.slice(27))).toBeUndefined()

      const body = accessToken.slice(5)
      const malformed = [
        '',
        'lkat_',
        'lkat_' + body.slice(1),
        'lkat_' + body + 'A',
        'lkat_' + '$'.repeat(65),
        'lkat_' + 'é'.repeat(65),
        'lkat_' + body.slice(0, 64) + '=',
        'lkrt_' + body,
        'LKAT_' + body,
        'lkat_' + 'A'.repeat(5_000),
      ]
      for (const value of malformed) {
        expect(tokenLookupKey(value, 'access') ?? tokenLookupKey(value, 'personal') ?? null).toBeNull()
        expect(await services().tokens.findActive(value)).toBeUndefined()
        const res = await postForm(server.url, '/oauth/introspect', client, { token: value })
        // RFC 7662 §2.1: an empty token is a malformed request; anything else is simply not active
        expect({ value: value.slice(0, 20), status: res.status, body: await res.json() }).toEqual(
          value === ''
            ? { value, status: 400, body: expect.objectContaining({ error: 'invalid_request' }) }
            : { value: value.slice(0, 20), status: 200, body: { active: false } },
        )
      }
      // a refresh token presented as one is looked up as a refresh token, and only as one
      expect(tokenLookupKey('lkrt_' + body, 'refresh')).toMatch(TOKEN_KEY)
    },
  )

  test('newToken puts 256 fresh random bits behind the row id', () => {
    const id = newId()
    const a = newToken('access', id).value
    const b = newToken('access', id).value
    expect(a.slice(0, 27)).toBe(b.slice(0, 27))
    expect(a.slice(27)).not.toBe(b.slice(27))
    expect(Buffer.from(a.slice(27), 'base64url')).toHaveLength(32)
    expect(selectorHex(a)).toBe(hexOf(id))
    expect(tokenLookupKey(a, 'access')).toBe(storedTokenKey(a))
  })

  test('issue 15 §6: one TokenKind names a token; prefixes and stored access_tokens.kind are unchanged', async () => {
    const kinds: TokenKind[] = ['access', 'refresh', 'personal']
    const prefixes = kinds.map((k) => newToken(k, newId()).value.match(/^lk[a-z]+_/)?.[0])
    expect(prefixes).toEqual(['lkat_', 'lkrt_', 'lkpat_'])
    expect([storedAccessKind('access'), storedAccessKind('personal')]).toEqual(['oauth', 'personal'])
    expect([accessKindOfRow('oauth'), accessKindOfRow('personal')]).toEqual(['access', 'personal'])

    const tokens = await issue()
    const user = await services().users.create({ username: 'kinds', password: 'correct horse battery' })
    const personal = await services().tokens.issuePersonal(user.id, ['read_user'], 3600)
    const stored = async (id: string) =>
      (await db().selectFrom('access_tokens').select('kind').where('id', '=', id).executeTakeFirstOrThrow()).kind
    expect([await stored(tokens.accessTokenId), await stored(personal.id)]).toEqual(['oauth', 'personal'])
    const kindOf = async (value: string) => (await services().tokens.findActive(value))?.kind
    const found = [tokens.accessToken, tokens.refreshToken!, personal.token].map(kindOf)
    expect(await Promise.all(found)).toEqual(['access', 'refresh', 'personal'])
  })
})
