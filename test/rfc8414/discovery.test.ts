/**
 * RFC 8414 authorization server metadata and OpenID Connect Discovery: what the two well-known
 * documents promise (security cases I.48, C.23 and discovery's side of B.17, docs/security.md).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { setup, type Env } from '../helpers/flows.ts'
import { freePort } from '../helpers/server.ts'

let env: Env
let issuer: string
beforeAll(async () => {
  const port = await freePort()
  issuer = `http://127.0.0.1:${port}`
  env = await setup({ config: { port, issuer } })
})
afterAll(async () => {
  await env.server[Symbol.asyncDispose]()
})

describe('I.48 discovery', () => {
  test.each(['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server'])(
    'OIDC Discovery §3, §4.3; RFC 8414 §3.3: %s has the byte-identical issuer and the required members',
    async (path) => {
      const res = await fetch(issuer + path)
      expect(res.status).toBe(200)
      const meta = (await res.json()) as Record<string, unknown>
      expect(meta.issuer).toBe(issuer)
      expect(issuer + path).toBe(`${meta.issuer}${path}`)
      for (const key of ['authorization_endpoint', 'token_endpoint', 'jwks_uri', 'userinfo_endpoint'])
        expect(meta[key] as string).toStartWith(`${issuer}/`)
      expect(meta.response_types_supported).toContain('code')
      expect(meta.subject_types_supported).toBeArray()
      expect((meta.subject_types_supported as string[]).length).toBeGreaterThan(0)
      const algs = meta.id_token_signing_alg_values_supported as string[]
      expect(algs).toContain('RS256')
      expect(algs.map((a) => a.toLowerCase())).not.toContain('none')
      expect(meta.authorization_response_iss_parameter_supported).toBe(true)
      // every advertised endpoint answers (no 404)
      const jwksRes = await fetch(meta.jwks_uri as string)
      expect(jwksRes.status).toBe(200)
    },
  )
})

describe('C.23 discovery', () => {
  test.each(['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server'])(
    'RFC 9700 §2.1.1; RFC 8414 §2: %s lists code_challenge_methods_supported ["S256"] (plain is off)',
    async (path) => {
      const meta = (await (await fetch(issuer + path)).json()) as Record<string, unknown>
      expect(meta.code_challenge_methods_supported).toEqual(['S256'])
    },
  )
})

describe('B.17 JWT client authentication is not offered', () => {
  test('RFC 8414 §2: discovery advertises no private_key_jwt or client_secret_jwt', async () => {
    const meta = (await (await fetch(issuer + '/.well-known/openid-configuration')).json()) as Record<string, string[]>
    for (const key of [
      'token_endpoint_auth_methods_supported',
      'revocation_endpoint_auth_methods_supported',
      'introspection_endpoint_auth_methods_supported',
    ]) {
      expect(meta[key]).toBeArray()
      expect(meta[key]).not.toContain('private_key_jwt')
      expect(meta[key]).not.toContain('client_secret_jwt')
    }
  })
})
