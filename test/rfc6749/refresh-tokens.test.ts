/** Security cases D (docs/security.md): refresh tokens (grant_type=refresh_token), cases 24–28. */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { decodeJwt } from 'jose'
import { Browser } from '../helpers/browser.ts'
import { PASSWORD, type Client } from '../helpers/fixtures.ts'
import { postForm } from '../helpers/oauth.ts'
import { testClock } from '../helpers/server.ts'
import {
  DIALECTS,
  exchange,
  getCode,
  introspect,
  refresh,
  setup,
  tokensFor,
  TOKEN_VARIANTS,
  userinfo,
  type Env,
  type TokenBody,
} from '../helpers/flows.ts'

const clock = testClock()
let env: Env
beforeAll(async () => {
  env = await setup({ clock })
})
afterAll(async () => {
  await env.server[Symbol.asyncDispose]()
})

async function expectError(res: Response, error: string | string[]): Promise<void> {
  expect(res.status).toBeGreaterThanOrEqual(400)
  expect(res.status).toBeLessThan(500)
  const body = (await res.json()) as Record<string, unknown>
  expect([error].flat()).toContain(body.error as string)
  expect(body.access_token).toBeUndefined()
}

async function newClient(name: string, scopes = ['openid', 'profile', 'email']): Promise<Client & { id: string }> {
  const created = await env.server.provider.services.applications.create({
    name,
    redirectUris: ['https://d.example/cb'],
    scopes,
  })
  return {
    id: created.application.id,
    clientId: created.application.clientId,
    secret: created.clientSecret,
    redirectUri: 'https://d.example/cb',
  }
}

let userCount = 0
async function newUser(): Promise<{ id: string; username: string; browser: Browser }> {
  const username = `dave${++userCount}`
  const user = await env.server.provider.services.users.create({
    username,
    email: `${username}@example.com`,
    password: PASSWORD,
  })
  return { id: user.id, username, browser: new Browser(env.server.url) }
}

describe.each(TOKEN_VARIANTS)('D. refresh tokens ($label)', ({ dialect, json }) => {
  test(
    'D.24 RFC 9700 §2.2.2, §4.14.2; fosite "should deny access if original token was reused": ' +
      'rotation, then a replay of the old RT revokes the whole family',
    async () => {
      const first = await tokensFor(env, env.f.C1, { dialect, json })
      const res = await refresh(env, env.f.C1, first.refresh_token!, {}, { dialect, json })
      expect(res.status).toBe(200)
      expect(res.headers.get('cache-control')).toBe('no-store')
      const second = (await res.json()) as TokenBody
      expect(second.access_token).toStartWith('lkat_')
      expect(second.refresh_token).toStartWith('lkrt_')
      expect(second.access_token).not.toBe(first.access_token)
      expect(second.refresh_token).not.toBe(first.refresh_token)
      expect(await introspect(env, first.refresh_token!)).toEqual({ active: false })
      expect(await introspect(env, second.access_token)).toMatchObject({ active: true })

      await expectError(await refresh(env, env.f.C1, first.refresh_token!, {}, { dialect, json }), 'invalid_grant')
      expect(await introspect(env, second.access_token)).toEqual({ active: false })
      expect(await introspect(env, second.refresh_token!)).toEqual({ active: false })
      expect((await userinfo(env, second.access_token, dialect.userinfo)).status).toBe(401)
      await expectError(await refresh(env, env.f.C1, second.refresh_token!, {}, { dialect, json }), 'invalid_grant')
    },
  )

  test(
    'D.24 RFC 9700 §4.14.2: five concurrent refreshes with one RT → at most one new pair, and ' +
      'none of them survives the reuse',
    async () => {
      const first = await tokensFor(env, env.f.C1, { dialect, json })
      const results = await Promise.all(
        Array.from({ length: 5 }, () => refresh(env, env.f.C1, first.refresh_token!, {}, { dialect, json })),
      )
      const ok = results.filter((r) => r.status === 200)
      expect(ok.length).toBeLessThanOrEqual(1)
      for (const r of results.filter((r) => r.status !== 200)) await expectError(r, 'invalid_grant')
      for (const r of ok) {
        const pair = (await r.json()) as TokenBody
        expect(await introspect(env, pair.access_token)).toEqual({ active: false })
        expect(await introspect(env, pair.refresh_token!)).toEqual({ active: false })
      }
    },
  )

  test("D.25 RFC 6749 §6, §10.4; oidcc-refresh-token: C1's RT used by C2 → invalid_grant, no tokens", async () => {
    const first = await tokensFor(env, env.f.C1, { dialect, json })
    await expectError(await refresh(env, env.f.C2, first.refresh_token!, {}, { dialect, json }), 'invalid_grant')
    await expectError(await refresh(env, env.f.P1, first.refresh_token!, {}, { dialect, json }), 'invalid_grant')
  })

  test(
    "D.25 RFC 6749 §6: a public client's RT " +
      'without its client_id → invalid_client/invalid_grant; ' +
      'with it → 200',
    async () => {
      const p1 = await tokensFor(env, env.f.P1, { dialect, json, scope: 'openid' })
      const res = await postForm(
        env.server.url,
        dialect.token,
        null,
        { grant_type: 'refresh_token', refresh_token: p1.refresh_token! },
        { json },
      )
      await expectError(res, ['invalid_client', 'invalid_grant'])
      await expectError(await refresh(env, env.f.C1, p1.refresh_token!, {}, { dialect, json }), 'invalid_grant')
      expect((await refresh(env, env.f.P1, p1.refresh_token!, {}, { dialect, json })).status).toBe(200)
    },
  )

  test(
    'D.26 RFC 6749 §6: scope wider than ' +
      'granted → 400 invalid_scope; ' +
      'narrower → only that; omitted → the original',
    async () => {
      const first = await tokensFor(env, env.f.C1, { dialect, json, scope: 'openid profile' })
      const wider = await refresh(
        env,
        env.f.C1,
        first.refresh_token!,
        { scope: 'openid profile email' },
        { dialect, json },
      )
      expect(wider.status).toBe(400)
      expect(((await wider.json()) as { error: string }).error).toBe('invalid_scope')
      const narrow = (await (
        await refresh(env, env.f.C1, first.refresh_token!, { scope: 'openid' }, { dialect, json })
      ).json()) as TokenBody
      expect(narrow.scope).toBe('openid')
      expect(await introspect(env, narrow.access_token)).toMatchObject({ active: true, scope: 'openid' })
      const claims = (await (await userinfo(env, narrow.access_token, dialect.userinfo)).json()) as Record<
        string,
        unknown
      >
      expect(claims.preferred_username).toBeUndefined()

      const again = await tokensFor(env, env.f.C1, { dialect, json, scope: 'openid profile' })
      const same = (await (
        await refresh(env, env.f.C1, again.refresh_token!, {}, { dialect, json })
      ).json()) as TokenBody
      expect(same.scope).toBe('openid profile')
    },
  )

  test(
    'D.26 RFC 9700 §4.14.2; fosite "scope is no longer allowed": the app\'s allowed scopes ' +
      'narrowed after issuance → refresh never returns the removed scope',
    async () => {
      const client = await newClient(`Narrowed ${dialect.name} ${json}`)
      const first = await tokensFor(env, client, { dialect, json, scope: 'openid profile email' })
      // the admin API's update, as the GraphQL mutation performs it
      const admin = {
        userId: env.f.alice.id,
        username: 'alice',
        level: 'admin' as const,
        canWrite: true,
        scopes: ['admin'],
        tokenId: 'test',
        tokenKind: 'personal' as const,
      }
      await env.server.provider.services.admin.applications.update(admin, client.id, { scopes: ['openid', 'profile'] })
      const omitted = await refresh(env, client, first.refresh_token!, {}, { dialect, json })
      expect(omitted.status).toBe(200)
      const body = (await omitted.json()) as TokenBody
      expect(body.scope.split(' ')).not.toContain('email')
      const asked = await refresh(env, client, body.refresh_token!, { scope: 'openid email' }, { dialect, json })
      if (asked.status === 200) expect(((await asked.json()) as TokenBody).scope.split(' ')).not.toContain('email')
      else await expectError(asked, ['invalid_scope', 'invalid_grant'])
      const claims = (await (await userinfo(env, body.access_token, dialect.userinfo)).json()) as Record<
        string,
        unknown
      >
      expect(claims.email).toBeUndefined()
    },
  )

  test(
    'D.28 OIDC Core §12.2 (issue 14 §5): refreshing an OIDC grant → a new id_token with the ' +
      'same iss, sub, aud, azp, auth_time and nonce, and a fresh iat, rotation after rotation',
    async () => {
      const first = await tokensFor(env, env.f.C1, { dialect, json, scope: 'openid', extra: { nonce: 'n-0S6_WzA2Mj' } })
      const original = decodeJwt(first.id_token!)
      expect(original.nonce).toBe('n-0S6_WzA2Mj')
      clock.advance(120)
      const body = (await (
        await refresh(env, env.f.C1, first.refresh_token!, {}, { dialect, json })
      ).json()) as TokenBody
      expect(body.id_token).toBeString()
      const renewed = decodeJwt(body.id_token!)
      for (const claim of ['iss', 'sub', 'aud', 'azp', 'auth_time'] as const)
        expect(renewed[claim]).toEqual(original[claim])
      expect(renewed.auth_time).toBeNumber()
      expect(renewed.iat).toBe(clock.now())
      expect(renewed.iat!).toBeGreaterThan(original.iat!)
      // "if it is present, its value MUST be the same as in the ID Token issued at the time of the
      // original authentication"
      expect(renewed.nonce).toBe('n-0S6_WzA2Mj')
      const again = (await (
        await refresh(env, env.f.C1, body.refresh_token!, {}, { dialect, json })
      ).json()) as TokenBody
      expect(decodeJwt(again.id_token!).nonce).toBe('n-0S6_WzA2Mj')
    },
  )

  test('D.28 OIDC Core §12.2: a grant authorized without a nonce refreshes into an ID token without one', async () => {
    const first = await tokensFor(env, env.f.C1, { dialect, json, scope: 'openid' })
    const body = (await (await refresh(env, env.f.C1, first.refresh_token!, {}, { dialect, json })).json()) as TokenBody
    expect(decodeJwt(body.id_token!)).not.toHaveProperty('nonce')
  })
})

describe.each(DIALECTS)('D.27 refresh after the grant is gone ($name)', (dialect) => {
  async function expectDead(client: Client, tokens: TokenBody): Promise<void> {
    await expectError(await refresh(env, client, tokens.refresh_token!, {}, { dialect }), [
      'invalid_grant',
      'invalid_client',
    ])
    expect(await introspect(env, tokens.access_token)).toEqual({ active: false })
    expect((await userinfo(env, tokens.access_token, dialect.userinfo)).status).toBe(401)
  }

  test('Gitea issue 19111: RT after the user is disabled → invalid_grant; its ATs inactive', async () => {
    const user = await newUser()
    const tokens = await tokensFor(env, env.f.C1, { dialect, browser: user.browser, username: user.username })
    await env.server.provider.services.users.disable(user.username)
    await expectDead(env.f.C1, tokens)
  })

  test('Gitea issue 19111: a code issued before the user was disabled → invalid_grant, no ID token', async () => {
    const user = await newUser()
    const { code, verifier } = await getCode(env, env.f.C1, { dialect, browser: user.browser, username: user.username })
    await env.server.provider.services.users.disable(user.username)
    const res = await exchange(env, env.f.C1, code, verifier, { dialect })
    expect(res.status).toBe(400)
    const body = (await res.json()) as Record<string, unknown>
    expect(body.error).toBe('invalid_grant')
    expect(body.id_token).toBeUndefined()
  })

  test('RFC 9700 §4.14.2: a code issued before the grant was revoked → invalid_grant', async () => {
    const user = await newUser()
    const { code, verifier } = await getCode(env, env.f.C1, { dialect, browser: user.browser, username: user.username })
    const [grant] = await env.server.provider.services.grants.listForUser(user.id)
    expect(await env.server.provider.services.grants.revoke(grant!.id, null)).toBe(true)
    await expectError(await exchange(env, env.f.C1, code, verifier, { dialect }), 'invalid_grant')
  })

  test('Gitea issue 19111: RT after the user is deleted → invalid_grant; its ATs inactive', async () => {
    const user = await newUser()
    const tokens = await tokensFor(env, env.f.C1, { dialect, browser: user.browser, username: user.username })
    await env.server.db.deleteFrom('users').where('id', '=', user.id).execute()
    await expectDead(env.f.C1, tokens)
  })

  test('RFC 9700 §4.14.2: RT after the application is deleted → refused; its ATs inactive', async () => {
    const client = await newClient(`Deleted ${dialect.name}`)
    const tokens = await tokensFor(env, client, { dialect })
    await env.server.provider.services.applications.delete(client.clientId)
    await expectDead(client, tokens)
  })

  test('RFC 9700 §4.14.2: RT after the grant is revoked → invalid_grant; its ATs inactive', async () => {
    const user = await newUser()
    const tokens = await tokensFor(env, env.f.C1, { dialect, browser: user.browser, username: user.username })
    const [grant] = await env.server.provider.services.grants.listForUser(user.id)
    expect(grant).toBeDefined()
    expect(await env.server.provider.services.grants.revoke(grant!.id, null)).toBe(true)
    await expectDead(env.f.C1, tokens)
  })

  test('RFC 9700 §4.14.2: an expired RT → invalid_grant', async () => {
    const tokens = await tokensFor(env, env.f.C1, { dialect })
    clock.advance(env.server.config.refreshTokenTtl + 1)
    await expectDead(env.f.C1, tokens)
  })
})
