/**
 * Issue 16, RFC 9700 §4.14.2: refresh token rotation with a per-application grace period. Git
 * Credential Manager refreshes from parallel git commands, so one refresh token arrives twice within
 * milliseconds; strict reuse detection then revokes the family and logs the user out. Within the
 * application's refreshGracePeriod a rotated token presented again by the same client gets a new
 * pair in the same family, and nothing is revoked; after it, or with 0, reuse revokes the family as
 * before. Runs on SQLite, and on PostgreSQL with LATCHKEY_TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { GRACE_REPLAY_LIMIT } from '../../src/services/tokens/tokens.ts'
import type { Client } from '../helpers/fixtures.ts'
import { introspect, refresh, setup, tokensFor, type Env, type TokenBody } from '../helpers/flows.ts'
import { postForm } from '../helpers/oauth.ts'
import { startServer, testClock } from '../helpers/server.ts'

const clock = testClock()
let env: Env
beforeAll(async () => {
  env = await setup({ clock })
})
afterAll(async () => {
  await env.server[Symbol.asyncDispose]()
})

let apps = 0
async function newClient(refreshGracePeriod: number, isPublic = false): Promise<Client> {
  const created = await env.server.provider.services.applications.create({
    name: `GCM ${++apps}`,
    redirectUris: ['https://gcm.example/cb'],
    scopes: ['openid', 'profile', 'email'],
    isPublic,
    refreshGracePeriod,
  })
  return { clientId: created.application.clientId, secret: created.clientSecret, redirectUri: 'https://gcm.example/cb' }
}

async function pair(res: Response): Promise<TokenBody> {
  const body = (await res.json()) as TokenBody
  expect({ status: res.status, body }).toMatchObject({ status: 200, body: { token_type: 'Bearer' } })
  return body
}

async function expectInvalidGrant(res: Response): Promise<void> {
  const body = (await res.json()) as Record<string, unknown>
  expect({ status: res.status, error: body.error, access_token: body.access_token }).toEqual({
    status: 400,
    error: 'invalid_grant',
    access_token: undefined,
  })
}

const active = async (token: string) => (await introspect(env, token)).active
async function expectFamilyRevoked(tokens: TokenBody[]): Promise<void> {
  for (const t of tokens) {
    expect(await active(t.access_token)).toBe(false)
    expect(await active(t.refresh_token!)).toBe(false)
  }
}

describe('issue 16, RFC 9700 §4.14.2: refresh token rotation grace period', () => {
  test('grace 0 (the default): a replay of the rotated token revokes the family, as before', async () => {
    const client = await newClient(0)
    const first = await tokensFor(env, client)
    const second = await pair(await refresh(env, client, first.refresh_token!))
    await expectInvalidGrant(await refresh(env, client, first.refresh_token!))
    await expectFamilyRevoked([second])
  })

  test('grace 30: a replay within the window gets a new pair in the same family; both pairs work', async () => {
    const client = await newClient(30, true)
    const first = await tokensFor(env, client)
    const second = await pair(await refresh(env, client, first.refresh_token!))
    clock.advance(29)
    const replay = await pair(await refresh(env, client, first.refresh_token!))
    // A new access token and a new refresh token, not the ones the first answer held.
    expect(replay.access_token).not.toBe(second.access_token)
    expect(replay.refresh_token).toStartWith('lkrt_')
    expect(replay.refresh_token).not.toBe(second.refresh_token)
    expect(replay.scope).toBe(second.scope)
    expect(replay.id_token).toBeString()
    // Nothing was revoked: the sibling's access token stays valid, and so does every new token.
    for (const t of [second.access_token, second.refresh_token!, replay.access_token, replay.refresh_token!])
      expect(await active(t)).toBe(true)
    const family = async (token: string) => (await env.server.provider.services.tokens.findActive(token))?.familyId
    const families = new Set(
      await Promise.all([second, replay].flatMap((p) => [p.access_token, p.refresh_token!]).map(family)),
    )
    expect([...families]).toEqual([expect.any(String)])
    // The rotated token itself stays retired: it is no credential of its own.
    expect(await active(first.refresh_token!)).toBe(false)
    // Both branches rotate on as usual.
    await pair(await refresh(env, client, second.refresh_token!))
    await pair(await refresh(env, client, replay.refresh_token!))
  })

  test('grace 30: a replay at or after the window revokes the family, the answers within it too', async () => {
    const client = await newClient(30)
    const first = await tokensFor(env, client)
    const second = await pair(await refresh(env, client, first.refresh_token!))
    clock.advance(10)
    const replay = await pair(await refresh(env, client, first.refresh_token!))
    clock.advance(20) // rotated_at + 30: closed
    await expectInvalidGrant(await refresh(env, client, first.refresh_token!))
    await expectFamilyRevoked([second, replay])
    // A revoked family is never revived, not even within a new window of its later rotations.
    await expectInvalidGrant(await refresh(env, client, second.refresh_token!))
  })

  test('grace 30: a family revoked by the client (RFC 7009) is not revived by a replay within the window', async () => {
    const client = await newClient(30)
    const first = await tokensFor(env, client)
    const second = await pair(await refresh(env, client, first.refresh_token!))
    const revoked = await postForm(env.server.url, '/oauth/revoke', client, { token: second.refresh_token! })
    expect(revoked.status).toBe(200)
    await expectInvalidGrant(await refresh(env, client, first.refresh_token!))
    await expectFamilyRevoked([second])
  })

  test('grace 30: another client presenting the rotated token is refused, and the family lives', async () => {
    const client = await newClient(30)
    const other = await newClient(30)
    const first = await tokensFor(env, client)
    const second = await pair(await refresh(env, client, first.refresh_token!))
    await expectInvalidGrant(await refresh(env, other, first.refresh_token!))
    await expectInvalidGrant(await refresh(env, env.f.C1, first.refresh_token!))
    expect(await active(second.access_token)).toBe(true)
    expect(await active(second.refresh_token!)).toBe(true)
  })

  test('grace 30: a replay keeps the scope rules: never wider than the grant, narrower when asked', async () => {
    const client = await newClient(30)
    const first = await tokensFor(env, client, { scope: 'openid profile' })
    await pair(await refresh(env, client, first.refresh_token!))
    const wider = await refresh(env, client, first.refresh_token!, { scope: 'openid profile email' })
    expect(wider.status).toBe(400)
    expect(((await wider.json()) as { error: string }).error).toBe('invalid_scope')
    const narrow = await pair(await refresh(env, client, first.refresh_token!, { scope: 'openid' }))
    expect(narrow.scope).toBe('openid')
  })

  test('8 concurrent refreshes with one token: all succeed with grace 30, and every pair stays usable', async () => {
    const client = await newClient(30, true)
    const first = await tokensFor(env, client)
    const results = await Promise.all(Array.from({ length: 8 }, () => refresh(env, client, first.refresh_token!)))
    const pairs = await Promise.all(results.map(pair))
    expect(new Set(pairs.map((p) => p.refresh_token)).size).toBe(8)
    for (const p of pairs) {
      expect(await active(p.access_token)).toBe(true)
      expect(await active(p.refresh_token!)).toBe(true)
    }
  })

  test('8 concurrent refreshes with one token on grace 0: exactly one succeeds, the family is revoked', async () => {
    const client = await newClient(0, true)
    const first = await tokensFor(env, client)
    const results = await Promise.all(Array.from({ length: 8 }, () => refresh(env, client, first.refresh_token!)))
    const ok = results.filter((r) => r.status === 200)
    expect(ok).toHaveLength(1)
    for (const r of results.filter((r) => r.status !== 200)) await expectInvalidGrant(r)
    await expectFamilyRevoked([await pair(ok[0]!)])
  })

  test(`grace 30: at most ${GRACE_REPLAY_LIMIT} replays of one rotated token; the next one is a reuse`, async () => {
    const client = await newClient(30)
    const first = await tokensFor(env, client)
    const answers = [await pair(await refresh(env, client, first.refresh_token!))]
    for (let i = 0; i < GRACE_REPLAY_LIMIT; i++)
      answers.push(await pair(await refresh(env, client, first.refresh_token!)))
    await expectInvalidGrant(await refresh(env, client, first.refresh_token!))
    await expectFamilyRevoked(answers)
  })

  test('the grace period travels with export and import, and so do the replay counts', async () => {
    const client = await newClient(30)
    const first = await tokensFor(env, client)
    const second = await pair(await refresh(env, client, first.refresh_token!))
    await pair(await refresh(env, client, first.refresh_token!))
    const lines: string[] = []
    for await (const line of env.server.provider.services.transfer.exportLines()) lines.push(line)
    await using target = await startServer({ clock })
    async function* replay() {
      yield* lines
    }
    await target.provider.services.transfer.importLines(replay())
    const moved = await target.provider.services.applications.show(client.clientId)
    expect(moved.refreshGracePeriod).toBe(30)
    const counted = await target.db
      .selectFrom('refresh_tokens')
      .select('grace_replays')
      .where('grace_replays', '>', 0)
      .execute()
    expect(counted).toContainEqual({ grace_replays: 1 })
    const there = { ...env, server: target }
    // Still within the window on the new database: one more grace answer, then the family lives on.
    await pair(await refresh(there, client, first.refresh_token!))
    await pair(await refresh(there, client, second.refresh_token!))
  })
})
