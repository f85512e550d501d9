/**
 * Security cases B (docs/security.md): the token endpoint with grant_type=authorization_code
 * (/oauth/token, /login/oauth/access_token).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { R1B } from '../helpers/fixtures.ts'
import { basic, postForm } from '../helpers/oauth.ts'
import { testClock } from '../helpers/server.ts'
import { DIALECTS, exchange, getCode, introspect, setup, TOKEN_VARIANTS, userinfo, type Env } from '../helpers/flows.ts'

const clock = testClock()
let env: Env
beforeAll(async () => {
  env = await setup({ clock })
})
afterAll(async () => {
  await env.server[Symbol.asyncDispose]()
})

/** A raw POST to a token endpoint, with the body encoded as form or JSON. */
function post(
  path: string,
  fields: Record<string, string>,
  opts: { json?: boolean; headers?: Record<string, string>; query?: string } = {},
): Promise<Response> {
  const headers = {
    'Content-Type': opts.json ? 'application/json' : 'application/x-www-form-urlencoded',
    ...opts.headers,
  }
  return fetch(env.server.url + path + (opts.query ?? ''), {
    method: 'POST',
    headers,
    body: opts.json ? JSON.stringify(fields) : new URLSearchParams(fields),
  })
}

async function expectError(res: Response, status: number, error: string): Promise<Record<string, unknown>> {
  const body = (await res.json()) as Record<string, unknown>
  expect({ status: res.status, error: body.error }).toEqual({ status, error })
  expect(typeof body.error_description).toBe('string')
  expect(JSON.stringify(body)).not.toMatch(/lk(at|rt)_/)
  return body
}

describe.each(TOKEN_VARIANTS)('B. token endpoint, authorization_code ($label)', ({ dialect, json }) => {
  test(
    'B.11 RFC 6749 §5.1; OIDC Core §3.1.3.3: a valid exchange → 200 Bearer tokens with ' +
      'Cache-Control: no-store and Pragma: no-cache',
    async () => {
      const { code, verifier } = await getCode(env, env.f.C1, { dialect })
      const res = await exchange(env, env.f.C1, code, verifier, { dialect, json })
      expect(res.status).toBe(200)
      expect(res.headers.get('cache-control')).toBe('no-store')
      expect(res.headers.get('pragma')).toBe('no-cache')
      expect(res.headers.get('content-type')).toStartWith('application/json')
      const body = (await res.json()) as Record<string, unknown>
      expect(body).toMatchObject({ token_type: 'Bearer', scope: 'openid profile email' })
      expect(body.access_token).toStartWith('lkat_')
      expect(body.refresh_token).toStartWith('lkrt_')
      expect(typeof body.id_token).toBe('string')
      expect(body.expires_in).toBeGreaterThan(0)
    },
  )

  test(
    'B.12 RFC 6749 §4.1.2; oidcc-codereuse: the same code again → invalid_grant, and the first ' +
      "exchange's tokens are revoked",
    async () => {
      const { code, verifier } = await getCode(env, env.f.C1, { dialect })
      const first = (await (await exchange(env, env.f.C1, code, verifier, { dialect, json })).json()) as {
        access_token: string
        refresh_token: string
      }
      expect(await introspect(env, first.access_token)).toMatchObject({ active: true })
      await expectError(await exchange(env, env.f.C1, code, verifier, { dialect, json }), 400, 'invalid_grant')
      expect(await introspect(env, first.access_token)).toEqual({ active: false })
      expect(await introspect(env, first.refresh_token)).toEqual({ active: false })
      expect((await userinfo(env, first.access_token, dialect.userinfo)).status).toBe(401)
    },
  )

  test(
    'B.12 oidcc-codereuse-30seconds; Gitea CVE-2026-26232: the same code 30 s later → ' +
      'invalid_grant, tokens revoked',
    async () => {
      const { code, verifier } = await getCode(env, env.f.C1, { dialect })
      const first = (await (await exchange(env, env.f.C1, code, verifier, { dialect, json })).json()) as {
        access_token: string
        refresh_token: string
      }
      clock.advance(30)
      await expectError(await exchange(env, env.f.C1, code, verifier, { dialect, json }), 400, 'invalid_grant')
      expect(await introspect(env, first.access_token)).toEqual({ active: false })
      const refreshed = await postForm(
        env.server.url,
        dialect.token,
        env.f.C1,
        { grant_type: 'refresh_token', refresh_token: first.refresh_token },
        { json },
      )
      await expectError(refreshed, 400, 'invalid_grant')
    },
  )

  test(
    'B.12 RFC 6749 §4.1.2: five concurrent redemptions of one code → exactly one 200, and its ' +
      'tokens end up revoked',
    async () => {
      const { code, verifier } = await getCode(env, env.f.C1, { dialect })
      const results = await Promise.all(
        Array.from({ length: 5 }, () => exchange(env, env.f.C1, code, verifier, { dialect, json })),
      )
      const ok = results.filter((r) => r.status === 200)
      expect(ok.length).toBe(1)
      for (const r of results.filter((r) => r.status !== 200)) await expectError(r, 400, 'invalid_grant')
      const { access_token } = (await ok[0]!.json()) as { access_token: string }
      expect(await introspect(env, access_token)).toEqual({ active: false })
    },
  )

  test("B.13 RFC 6749 §4.1.3: C1's code redeemed with C2's valid credentials → invalid_grant", async () => {
    const { code, verifier } = await getCode(env, env.f.C1, { dialect })
    await expectError(
      await exchange(env, env.f.C2, code, verifier, { dialect, json, redirectUri: env.f.C1.redirectUri }),
      400,
      'invalid_grant',
    )
  })

  test('B.13 RFC 6749 §4.1.3: redirect_uri different from the one sent at /authorize → invalid_grant', async () => {
    const { code, verifier } = await getCode(env, env.f.C1, { dialect })
    await expectError(
      await exchange(env, env.f.C1, code, verifier, { dialect, json, redirectUri: R1B }),
      400,
      'invalid_grant',
    )
  })

  test(
    'B.13 RFC 6749 §4.1.3; OIDC Core ' +
      '§3.1.3.2: redirect_uri missing ' +
      'although sent at /authorize → invalid_grant',
    async () => {
      const { code, verifier } = await getCode(env, env.f.C1, { dialect })
      const res = await postForm(
        env.server.url,
        dialect.token,
        env.f.C1,
        { grant_type: 'authorization_code', code, code_verifier: verifier! },
        { json },
      )
      await expectError(res, 400, 'invalid_grant')
    },
  )

  test('B.12 RFC 6749 §4.1.2: an expired code (older than 10 minutes) → invalid_grant', async () => {
    const { code, verifier } = await getCode(env, env.f.C1, { dialect })
    clock.advance(601)
    await expectError(await exchange(env, env.f.C1, code, verifier, { dialect, json }), 400, 'invalid_grant')
  })

  test(
    'B.14 RFC 6749 §2.3.1, §5.2: C1 with a wrong secret via Basic → 401 invalid_client with ' +
      'WWW-Authenticate: Basic',
    async () => {
      const { code, verifier } = await getCode(env, env.f.C1, { dialect })
      const res = await post(
        dialect.token,
        { grant_type: 'authorization_code', code, redirect_uri: env.f.C1.redirectUri, code_verifier: verifier! },
        { json, headers: { Authorization: basic(env.f.C1.clientId, 'lkcs_wrong') } },
      )
      await expectError(res, 401, 'invalid_client')
      expect(res.headers.get('www-authenticate')).toStartWith('Basic')
      // the failed attempt did not consume the code for the real client
      expect((await exchange(env, env.f.C1, code, verifier, { dialect, json })).status).toBe(200)
    },
  )

  test(
    'B.14 RFC 6749 §2.3.1, §5.2: wrong secret in the body and an unknown client_id → the same ' +
      'invalid_client body (no enumeration)',
    async () => {
      const { code } = await getCode(env, env.f.C1, { dialect })
      const fields = { grant_type: 'authorization_code', code, redirect_uri: env.f.C1.redirectUri }
      const wrong = await post(
        dialect.token,
        { ...fields, client_id: env.f.C1.clientId, client_secret: 'lkcs_wrong' },
        { json },
      )
      const unknown = await post(
        dialect.token,
        { ...fields, client_id: 'lkc_00000000000000000000000000000000', client_secret: 'lkcs_wrong' },
        { json },
      )
      const unknownBasic = await post(dialect.token, fields, {
        json,
        headers: { Authorization: basic('lkc_00000000000000000000000000000000', 'lkcs_wrong') },
      })
      const wrongBody = await expectError(wrong, 401, 'invalid_client')
      expect(await expectError(unknown, 401, 'invalid_client')).toEqual(wrongBody)
      expect(await expectError(unknownBasic, 401, 'invalid_client')).toEqual(wrongBody)
    },
  )

  test(
    'B.14 RFC 6749 §2.3.1; doorkeeper-openid_connect CVE-2026-44476: a confidential client ' +
      'with an empty secret or only client_id → invalid_client, never treated as public',
    async () => {
      const { code, verifier } = await getCode(env, env.f.C1, { dialect })
      const fields = {
        grant_type: 'authorization_code',
        code,
        redirect_uri: env.f.C1.redirectUri,
        code_verifier: verifier!,
        client_id: env.f.C1.clientId,
      }
      await expectError(await post(dialect.token, { ...fields, client_secret: '' }, { json }), 401, 'invalid_client')
      await expectError(await post(dialect.token, fields, { json }), 401, 'invalid_client')
      await expectError(
        await post(dialect.token, fields, { json, headers: { Authorization: basic(env.f.C1.clientId, '') } }),
        401,
        'invalid_client',
      )
      // still unconsumed: the right credentials work afterwards
      expect((await exchange(env, env.f.C1, code, verifier, { dialect, json })).status).toBe(200)
    },
  )

  test('B.15 RFC 6749 §2.3, issue 16: Basic and a different client_secret in the body → invalid_request', async () => {
    const { code, verifier } = await getCode(env, env.f.C1, { dialect })
    const fields = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: env.f.C1.redirectUri,
      code_verifier: verifier!,
    }
    const headers = { Authorization: basic(env.f.C1.clientId, env.f.C1.secret!) }
    await expectError(
      await post(dialect.token, { ...fields, client_secret: 'lkcs_other' }, { json, headers }),
      400,
      'invalid_request',
    )
    // Basic for one client and client_id for another is refused the same way.
    await expectError(
      await post(dialect.token, { ...fields, client_id: env.f.P1.clientId }, { json, headers }),
      400,
      'invalid_request',
    )
    // Nothing was consumed by the refusals.
    expect((await exchange(env, env.f.C1, code, verifier, { dialect, json })).status).toBe(200)
  })

  test('issue 16 (Git Credential Manager): one client and secret as Basic and in the body → accepted', async () => {
    const { code, verifier } = await getCode(env, env.f.C1, { dialect })
    const res = await post(
      dialect.token,
      {
        grant_type: 'authorization_code',
        code,
        redirect_uri: env.f.C1.redirectUri,
        code_verifier: verifier!,
        client_id: env.f.C1.clientId,
        client_secret: env.f.C1.secret!,
      },
      { json, headers: { Authorization: basic(env.f.C1.clientId, env.f.C1.secret!) } },
    )
    expect(res.status).toBe(200)
  })

  test('issue 16: an empty client_secret= from a public client counts as absent', async () => {
    const { code, verifier } = await getCode(env, env.f.P1, { dialect, scope: 'openid' })
    const res = await post(
      dialect.token,
      {
        grant_type: 'authorization_code',
        code,
        redirect_uri: env.f.P1.redirectUri,
        code_verifier: verifier!,
        client_id: env.f.P1.clientId,
        client_secret: '',
      },
      { json },
    )
    expect(res.status).toBe(200)
  })

  test('B.15 RFC 6749 §2.3.1: client_secret in the URI → rejected, no tokens', async () => {
    const { code, verifier } = await getCode(env, env.f.C1, { dialect })
    const query = `?client_secret=${encodeURIComponent(env.f.C1.secret!)}`
    const res = await post(
      dialect.token,
      {
        grant_type: 'authorization_code',
        code,
        redirect_uri: env.f.C1.redirectUri,
        code_verifier: verifier!,
        client_id: env.f.C1.clientId,
      },
      { json, query },
    )
    await expectError(res, 400, 'invalid_request')
  })

  test(
    'B.16 RFC 6749 §5.2: grant_type=foo → 400 unsupported_grant_type; a grant not enabled for ' +
      'the app → 400 unauthorized_client',
    async () => {
      const fields = { grant_type: 'foo', code: 'x' }
      await expectError(
        await postForm(env.server.url, dialect.token, env.f.C1, fields, { json }),
        400,
        'unsupported_grant_type',
      )
      await expectError(
        await postForm(
          env.server.url,
          dialect.token,
          env.f.C1,
          { ...fields, grant_type: 'AUTHORIZATION_CODE' },
          { json },
        ),
        400,
        'unsupported_grant_type',
      )
      const codeOnly = await codeOnlyClient()
      await expectError(
        await postForm(
          env.server.url,
          dialect.token,
          codeOnly,
          { grant_type: 'refresh_token', refresh_token: 'lkrt_x' },
          { json },
        ),
        400,
        'unauthorized_client',
      )
    },
  )
})

let codeOnlyApp: { clientId: string; secret: string | null; redirectUri: string } | undefined
async function codeOnlyClient() {
  if (!codeOnlyApp) {
    const created = await env.server.provider.services.applications.create({
      name: 'Code only',
      redirectUris: ['https://code-only.example/cb'],
      grantTypes: ['authorization_code'],
    })
    codeOnlyApp = {
      clientId: created.application.clientId,
      secret: created.clientSecret,
      redirectUri: 'https://code-only.example/cb',
    }
  }
  return codeOnlyApp
}

describe.each(DIALECTS)('B. token endpoint HTTP method ($name)', (dialect) => {
  test('B.15 RFC 6749 §3.2: GET on the token endpoint → 405 (never a token)', async () => {
    const { code } = await getCode(env, env.f.C1, { dialect })
    const res = await fetch(`${env.server.url}${dialect.token}?grant_type=authorization_code&code=${code}`, {
      headers: { Authorization: basic(env.f.C1.clientId, env.f.C1.secret!) },
    })
    expect(res.status).toBe(405)
    expect(((await res.json()) as { error: string }).error).toBeString()
  })
})

describe('B.17 JWT client authentication is not offered', () => {
  // Discovery's side of B.17 is in test/rfc8414/discovery.test.ts.
  test.each(TOKEN_VARIANTS)(
    'Hydra CVE-2020-5300; fosite CVE-2020-15222: a client_assertion never authenticates a client ($label)',
    async ({ dialect, json }) => {
      const { code, verifier } = await getCode(env, env.f.C1, { dialect })
      const assertion = 'eyJhbGciOiJub25lIn0.eyJpc3MiOiJ4In0.'
      const res = await post(
        dialect.token,
        {
          grant_type: 'authorization_code',
          code,
          redirect_uri: env.f.C1.redirectUri,
          code_verifier: verifier!,
          client_id: env.f.C1.clientId,
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          client_assertion: assertion,
        },
        { json },
      )
      await expectError(res, 401, 'invalid_client')
    },
  )
})
