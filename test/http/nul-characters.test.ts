/**
 * A NUL character in any input is a 400, never a 500: no OAuth parameter may hold one (RFC 6749
 * Appendix A: printable characters only), and PostgreSQL cannot store one in a text column, so
 * before this check `client_id=%00` at the consent decision answered 500 on PostgreSQL (found by
 * the endpoint fuzzer). Runs on both engines.
 */
import { describe, expect, test } from 'bun:test'
import { seedAdminWorld } from '../graphql/support.ts'
import { startServer } from '../helpers/server.ts'

const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' }

describe('RFC 6749 Appendix A: a NUL character in a parameter is invalid_request, never a 500', () => {
  test('token, revoke, introspect and device authorization, form and JSON bodies, and the query', async () => {
    await using server = await startServer()
    const posts: [string, RequestInit][] = [
      ['/oauth/token', { headers: FORM, body: 'grant_type=client_credentials&client_id=%00' }],
      [
        '/oauth/token',
        { headers: { 'Content-Type': 'application/json' }, body: '{"grant_type":"password","username":"a\\u0000"}' },
      ],
      ['/oauth/revoke', { headers: FORM, body: 'token=x%00&client_id=a' }],
      ['/oauth/introspect', { headers: FORM, body: 'token=%00' }],
      ['/oauth/authorize_device', { headers: FORM, body: 'client_id=%00' }],
    ]
    for (const [path, init] of posts) {
      const res = await fetch(`${server.url}${path}`, { method: 'POST', ...init })
      expect({ path, status: res.status }).toEqual({ path, status: 400 })
      expect(await res.json()).toMatchObject({
        error: 'invalid_request',
        error_description: expect.stringContaining('NUL'),
      })
    }
    const authorize = await fetch(`${server.url}/oauth/authorize?client_id=%00&response_type=code`)
    expect(authorize.status).toBe(400)
  })

  test('the consent decision and the login form answer a 400 page', async () => {
    await using server = await startServer()
    for (const path of ['/oauth/authorize/decision', '/login']) {
      const res = await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: FORM,
        body: 'client_id=%00&username=%00',
      })
      expect({ path, status: res.status }).toEqual({ path, status: 400 })
    }
  })
})

describe('GraphQL: a NUL character in a string argument is refused before it runs, never a 500', () => {
  test('in a variable and as a \\u0000 escape in the document: 400 BAD_USER_INPUT, nothing written', async () => {
    await using server = await startServer()
    const w = await seedAdminWorld(server.provider.services)
    const post = (query: string, variables?: Record<string, unknown>) =>
      fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${w.tokens.admin}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      })
    const create = 'mutation($d: String!) { createScope(input: { name: "nul-test", description: $d }) { __typename } }'
    const literal = 'mutation { createScope(input: { name: "nul-test", description: "a\\u0000b" }) { __typename } }'
    for (const res of [await post(create, { d: 'a\u0000b' }), await post(literal)]) {
      expect(res.status).toBe(400)
      const body = (await res.json()) as { errors: { extensions: { code: string } }[] }
      expect(body.errors[0]!.extensions.code).toBe('BAD_USER_INPUT')
    }
    expect(await server.provider.services.scopes.find('nul-test')).toBeUndefined()
  })
})
