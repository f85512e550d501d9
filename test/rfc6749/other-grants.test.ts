/**
 * Security cases E (docs/security.md): the other grants — client credentials (30, 31)
 * and resource owner password (32, 33).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { PASSWORD, type Client } from '../helpers/fixtures.ts'
import { postForm } from '../helpers/oauth.ts'
import { testClock } from '../helpers/server.ts'
import { DIALECTS, introspect, setup, TOKEN_VARIANTS, tokensFor, userinfo, type Env } from '../helpers/flows.ts'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
const CLIENT_ID = /^lkc_[0-9a-f]{32}$/

let env: Env
/** A confidential machine client with client_credentials. */
let M2M: Client
/** A confidential client with the password grant (and refresh). */
let ROPC: Client

async function confidential(e: Env, name: string, grantTypes: string[], scopes: string[]): Promise<Client> {
  const { application, clientSecret } = await e.server.provider.services.applications.create({
    name,
    grantTypes: grantTypes as never,
    scopes,
  })
  return { clientId: application.clientId, secret: clientSecret, redirectUri: '' }
}

beforeAll(async () => {
  env = await setup()
  M2M = await confidential(env, 'CI bot', ['client_credentials'], ['openid', 'read_user'])
  ROPC = await confidential(env, 'Legacy CLI', ['password', 'refresh_token'], ['openid', 'read_user'])
})
afterAll(async () => {
  await env.server[Symbol.asyncDispose]()
})

describe('E.30 client credentials', () => {
  test.each(TOKEN_VARIANTS)(
    'RFC 6749 §4.4, §4.4.3: C1-style client → 200, no refresh_token, no id_token even with scope=openid ($label)',
    async ({ dialect, json }) => {
      const res = await postForm(
        env.server.url,
        dialect.token,
        M2M,
        { grant_type: 'client_credentials', scope: 'openid read_user' },
        { json },
      )
      expect(res.status).toBe(200)
      expect(res.headers.get('cache-control')).toBe('no-store')
      const body = (await res.json()) as Record<string, unknown>
      expect(body).toMatchObject({ token_type: 'Bearer', scope: 'openid read_user' })
      expect(body.access_token).toStartWith('lkat_')
      expect(body.refresh_token).toBeUndefined()
      expect(body.id_token).toBeUndefined()
    },
  )

  test.each(TOKEN_VARIANTS)(
    'RFC 6749 §3.3, §4.4.2: a scope outside the application set → 400 invalid_scope, nothing minted ($label)',
    async ({ dialect, json }) => {
      for (const scope of ['profile', 'read_user api', 'admin']) {
        const res = await postForm(
          env.server.url,
          dialect.token,
          M2M,
          { grant_type: 'client_credentials', scope },
          { json },
        )
        expect(res.status).toBe(400)
        const body = (await res.json()) as Record<string, unknown>
        expect(body).toMatchObject({ error: 'invalid_scope' })
        expect(body.access_token).toBeUndefined()
      }
    },
  )

  test.each(TOKEN_VARIANTS)(
    'RFC 6749 §4.4: public P1 (client_id only) → invalid_client/unauthorized_client; an app ' +
      'without the grant → unauthorized_client ($label)',
    async ({ dialect, json }) => {
      const pub = await postForm(
        env.server.url,
        dialect.token,
        env.f.P1,
        { grant_type: 'client_credentials', scope: 'openid' },
        { json },
      )
      expect([400, 401]).toContain(pub.status)
      const body = (await pub.json()) as Record<string, unknown>
      expect(['invalid_client', 'unauthorized_client']).toContain(body.error as string)
      expect(body.access_token).toBeUndefined()
      const c1 = await postForm(
        env.server.url,
        dialect.token,
        env.f.C1,
        { grant_type: 'client_credentials', scope: 'openid' },
        { json },
      )
      expect(c1.status).toBe(400)
      expect(await c1.json()).toMatchObject({ error: 'unauthorized_client' })
    },
  )

  // "A public application cannot be given client_credentials" (RFC 6749 §2.1) is in client-credentials.test.ts.
})

describe('E.31 client identifiers never collide with user subjects', () => {
  test(
    'RFC 9700 §4.15.1: client_ids are server-chosen lkc_ + 128 random bits, subs are UUIDv7; a chosen ' +
      'client_id (issue 16, administrators only) never has the form of a sub',
    async () => {
      const services = env.server.provider.services
      expect(env.f.alice.id).toMatch(UUID)
      expect(env.f.bob.id).toMatch(UUID)
      for (const c of [env.f.C1, env.f.C2, env.f.P1, M2M, ROPC]) expect(c.clientId).toMatch(CLIENT_ID)
      // A registrant sending client_id gets a server-chosen one; a chosen clientId shaped like a sub is refused.
      const sneaky = await services.applications.create({
        name: 'Impostor',
        grantTypes: ['client_credentials'],
        scopes: ['read_user'],
        client_id: env.f.alice.id,
      } as never)
      expect(sneaky.application.clientId).toMatch(CLIENT_ID)
      const impostor = { name: 'Impostor', grantTypes: ['client_credentials' as const], scopes: ['read_user'] }
      for (const id of [env.f.alice.id, env.f.alice.id.toUpperCase(), '0190a0b1-2c3d-7e4f-8a9b-0c1d2e3f4a5b'])
        await expect(services.applications.create({ ...impostor, clientId: id })).rejects.toMatchObject({
          field: 'clientId',
        })
      const users = await services.users.list()
      const subs = new Set(users.map((u) => u.id))
      for (const app of await services.applications.list()) expect(subs.has(app.clientId)).toBe(false)
    },
  )

  test(
    'RFC 9700 §4.15.1: introspection tells a client-credentials token (sub = client_id, no ' +
      'username) from a user token (sub = user id, username)',
    async () => {
      const cc = (await (
        await postForm(env.server.url, '/oauth/token', M2M, { grant_type: 'client_credentials', scope: 'read_user' })
      ).json()) as { access_token: string }
      const user = await tokensFor(env, env.f.C1, { scope: 'openid read_user' })
      const machine = await introspect(env, cc.access_token)
      const person = await introspect(env, user.access_token)
      expect(machine).toMatchObject({ active: true, client_id: M2M.clientId, sub: M2M.clientId, token_type: 'Bearer' })
      expect(machine.username).toBeUndefined()
      expect(person).toMatchObject({
        active: true,
        client_id: env.f.C1.clientId,
        sub: env.f.alice.id,
        username: 'alice',
      })
      expect(person.sub).not.toBe(person.client_id)
      // and a resource server asking "who is this user" gets no identity for a machine token
      const info = await userinfo(env, cc.access_token)
      expect(info.status).toBe(403)
    },
  )
})

describe('E.32 password grant only where enabled', () => {
  test.each(TOKEN_VARIANTS)(
    'RFC 9700 §2.4; Keycloak CVE-2026-9792: grant_type=password for an app without it → 400 ' +
      'unauthorized_client, even with the right password ($label)',
    async ({ dialect, json }) => {
      for (const client of [env.f.C1, env.f.P1]) {
        const res = await postForm(
          env.server.url,
          dialect.token,
          client,
          { grant_type: 'password', username: 'alice', password: PASSWORD, scope: 'openid' },
          { json },
        )
        expect(res.status).toBe(400)
        const body = (await res.json()) as Record<string, unknown>
        expect(body).toMatchObject({ error: 'unauthorized_client' })
        expect(body.access_token).toBeUndefined()
      }
    },
  )

  test('RFC 9700 §2.4: --password-grant false refuses the grant even to an application that enables it', async () => {
    const off = await setup({ config: { passwordGrant: 'false' } })
    await using _ = off.server
    const client = await confidential(off, 'Legacy', ['password'], ['read_user'])
    const res = await postForm(off.server.url, '/oauth/token', client, {
      grant_type: 'password',
      username: 'alice',
      password: PASSWORD,
    })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error: 'unauthorized_client' })
  })
})

describe('E.33 password grant brute force', () => {
  test.each(TOKEN_VARIANTS)(
    'RFC 6749 §4.3.2; RFC 6819 §4.4.3.6: wrong password, unknown user and disabled user → the ' +
      'identical 400 invalid_grant ($label)',
    async ({ dialect, json }) => {
      const { server } = env
      await server.provider.services.users
        .create({ username: `dis-${dialect.token.length}-${json}`, password: PASSWORD })
        .then((u) => server.provider.services.users.disable(u.username))
      const attempts = [
        { username: 'alice', password: 'wrong password!' },
        { username: `nobody-${dialect.token.length}`, password: PASSWORD },
        { username: `dis-${dialect.token.length}-${json}`, password: PASSWORD },
      ]
      const answers = []
      for (const a of attempts) {
        const res = await postForm(server.url, dialect.token, ROPC, { grant_type: 'password', ...a }, { json })
        answers.push({ status: res.status, contentType: res.headers.get('content-type'), body: await res.text() })
      }
      expect(answers[0]!.status).toBe(400)
      expect(JSON.parse(answers[0]!.body)).toMatchObject({ error: 'invalid_grant' })
      for (const a of answers) expect(a).toEqual(answers[0]!)
    },
  )

  test(
    'RFC 6749 §4.3.2: the right password works, and after 10 failures it gets 429 with ' +
      'Retry-After until the cool-down ends',
    async () => {
      const clock = testClock()
      const e = await setup({ clock })
      await using _ = e.server
      const client = await confidential(e, 'Legacy', ['password'], ['read_user'])
      const attempt = (password: string, dialect = DIALECTS[0]!, username = 'alice') =>
        postForm(e.server.url, dialect.token, client, {
          grant_type: 'password',
          username,
          password,
          scope: 'read_user',
        })
      expect((await attempt(PASSWORD)).status).toBe(200)
      for (let i = 0; i < 10; i++) expect((await attempt(`wrong-${i}`, DIALECTS[i % 2])).status).toBe(400)
      for (const dialect of DIALECTS) {
        const locked = await attempt(PASSWORD, dialect)
        expect(locked.status).toBe(429)
        expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0)
        const body = (await locked.json()) as Record<string, unknown>
        expect(body.access_token).toBeUndefined()
      }
      // the lock is per username: bob is not locked out by attacks on alice
      expect((await attempt(PASSWORD, DIALECTS[0], 'bob')).status).toBe(200)
      clock.advance(15 * 60 + 1)
      expect((await attempt(PASSWORD)).status).toBe(200)
    },
  )

  test(
    'RFC 6819 §4.4.3.6: a locked unknown username answers exactly like a locked real one (the ' +
      'lock does not reveal who exists)',
    async () => {
      const e = await setup()
      await using _ = e.server
      const client = await confidential(e, 'Legacy', ['password'], ['read_user'])
      const attempt = (username: string, password: string) =>
        postForm(e.server.url, '/oauth/token', client, { grant_type: 'password', username, password })
      for (const username of ['alice', 'nobody']) for (let i = 0; i < 10; i++) await attempt(username, `wrong-${i}`)
      const real = await attempt('alice', PASSWORD)
      const ghost = await attempt('nobody', PASSWORD)
      expect(real.status).toBe(429)
      expect({ status: ghost.status, body: await ghost.json() }).toEqual({
        status: real.status,
        body: await real.json(),
      })
    },
  )
})
