/** Security cases F (docs/security.md): revocation (POST /oauth/revoke, RFC 7009), cases 34–37. */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { basic, postForm } from '../helpers/oauth.ts'
import {
  BODIES,
  getCode,
  introspect,
  refresh,
  setup,
  tokenInfo,
  tokensFor,
  userinfo,
  type Env,
} from '../helpers/flows.ts'

let env: Env
beforeAll(async () => {
  env = await setup()
})
afterAll(async () => {
  await env.server[Symbol.asyncDispose]()
})

describe.each(BODIES)('F. revocation ($name body)', ({ json }) => {
  const revoke = (client: Parameters<typeof postForm>[2], fields: Record<string, string>) =>
    postForm(env.server.url, '/oauth/revoke', client, fields, { json })

  test('F.34 RFC 7009 §2.1, §2.2: C1 revokes its AT → 200; inactive, userinfo and token info → 401', async () => {
    const tokens = await tokensFor(env, env.f.C1)
    const res = await revoke(env.f.C1, { token: tokens.access_token })
    expect(res.status).toBe(200)
    expect(await introspect(env, tokens.access_token)).toEqual({ active: false })
    expect((await userinfo(env, tokens.access_token)).status).toBe(401)
    expect((await userinfo(env, tokens.access_token, '/login/oauth/userinfo')).status).toBe(401)
    expect((await tokenInfo(env, tokens.access_token)).status).toBe(401)
  })

  test("F.34 RFC 7009 §2.1: C1 revokes its RT → 200; it stops refreshing, the grant's ATs die too", async () => {
    const tokens = await tokensFor(env, env.f.C1)
    const rotated = (await (await refresh(env, env.f.C1, tokens.refresh_token!)).json()) as {
      access_token: string
      refresh_token: string
    }
    expect((await revoke(env.f.C1, { token: rotated.refresh_token })).status).toBe(200)
    expect(await introspect(env, rotated.refresh_token)).toEqual({ active: false })
    expect(await introspect(env, rotated.access_token)).toEqual({ active: false })
    expect((await userinfo(env, rotated.access_token)).status).toBe(401)
    const again = await refresh(env, env.f.C1, rotated.refresh_token)
    expect(again.status).toBe(400)
    expect(((await again.json()) as { error: string }).error).toBe('invalid_grant')
  })

  test(
    'F.35 RFC 7009 §2.1; doorkeeper CVE-2016-6582, GHSA-h5m9-42h9-vcq6; fosite issue 225: C2 ' +
      "revoking C1's AT or RT has no effect",
    async () => {
      const tokens = await tokensFor(env, env.f.C1)
      for (const token of [tokens.access_token, tokens.refresh_token!]) {
        const res = await revoke(env.f.C2, { token })
        expect([200, 400]).toContain(res.status)
        if (res.status === 400) expect(((await res.json()) as { error: string }).error).toBe('unauthorized_client')
      }
      expect(await introspect(env, tokens.access_token)).toMatchObject({ active: true })
      expect(await introspect(env, tokens.refresh_token!)).toMatchObject({ active: true })
      expect((await userinfo(env, tokens.access_token)).status).toBe(200)
    },
  )

  test(
    'F.36 doorkeeper CVE-2018-1000211: public P1 revokes its own AT and RT with client_id only ' +
      '→ 200 and they are really inactive',
    async () => {
      const tokens = await tokensFor(env, env.f.P1, { scope: 'openid' })
      expect((await revoke(env.f.P1, { token: tokens.access_token })).status).toBe(200)
      expect(await introspect(env, tokens.access_token)).toEqual({ active: false })
      const other = await tokensFor(env, env.f.P1, { scope: 'openid' })
      expect((await revoke(env.f.P1, { token: other.refresh_token! })).status).toBe(200)
      expect(await introspect(env, other.refresh_token!)).toEqual({ active: false })
      expect(await introspect(env, other.access_token)).toEqual({ active: false })
    },
  )

  test('F.37 RFC 7009 §2.2: an unknown, garbage or already revoked token → 200', async () => {
    const tokens = await tokensFor(env, env.f.C1)
    expect((await revoke(env.f.C1, { token: tokens.access_token })).status).toBe(200)
    for (const token of [
      tokens.access_token,
      'lkat_' + 'A'.repeat(43),
      'lkrt_unknown',
      'garbage',
      '\u00e9\u00e8',
      'x'.repeat(300),
    ]) {
      const res = await revoke(env.f.C1, { token })
      expect(res.status).toBe(200)
    }
  })

  test('F.37 RFC 7009 §2.1: a wrong token_type_hint still finds the token', async () => {
    const a = await tokensFor(env, env.f.C1)
    expect((await revoke(env.f.C1, { token: a.access_token, token_type_hint: 'refresh_token' })).status).toBe(200)
    expect(await introspect(env, a.access_token)).toEqual({ active: false })
    const b = await tokensFor(env, env.f.C1)
    expect((await revoke(env.f.C1, { token: b.refresh_token!, token_type_hint: 'access_token' })).status).toBe(200)
    expect(await introspect(env, b.refresh_token!)).toEqual({ active: false })
    const c = await tokensFor(env, env.f.C1)
    expect([200, 400]).toContain(
      (await revoke(env.f.C1, { token: c.access_token, token_type_hint: 'nonsense' })).status,
    )
  })

  test('F.37 RFC 7009 §2.1: a missing token → 400 invalid_request', async () => {
    const res = await revoke(env.f.C1, {})
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: string }).error).toBe('invalid_request')
  })

  test('F.37 RFC 7009 §2.2.1: C1 with a wrong secret → 401 invalid_client, and the token stays active', async () => {
    const tokens = await tokensFor(env, env.f.C1)
    const body = { token: tokens.access_token }
    const res = await fetch(env.server.url + '/oauth/revoke', {
      method: 'POST',
      headers: {
        Authorization: basic(env.f.C1.clientId, 'lkcs_wrong'),
        'Content-Type': json ? 'application/json' : 'application/x-www-form-urlencoded',
      },
      body: json ? JSON.stringify(body) : new URLSearchParams(body),
    })
    expect(res.status).toBe(401)
    expect(((await res.json()) as { error: string }).error).toBe('invalid_client')
    const noAuth = await postForm(env.server.url, '/oauth/revoke', null, body, { json })
    expect(noAuth.status).toBe(401)
    expect(await introspect(env, tokens.access_token)).toMatchObject({ active: true })
  })

  test('F.37 RFC 7009 §2.1: a code is not a token and revoking it changes nothing', async () => {
    const { code, verifier } = await getCode(env, env.f.C1)
    expect((await revoke(env.f.C1, { token: code })).status).toBe(200)
    const res = await postForm(env.server.url, '/oauth/token', env.f.C1, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: env.f.C1.redirectUri,
      code_verifier: verifier!,
    })
    expect(res.status).toBe(200)
  })
})
