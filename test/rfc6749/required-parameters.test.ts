/**
 * Issue 14 §2 (item 5), RFC 6749 §5.2: a token request missing a parameter its grant requires answers
 * invalid_request with an error_description naming that parameter, never zod's "expected string".
 * RFC 6749 §3.1: a parameter sent without a value counts as omitted.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { seed, type Client } from '../helpers/fixtures.ts'
import { postForm } from '../helpers/oauth.ts'
import { startServer } from '../helpers/server.ts'

let server: Awaited<ReturnType<typeof startServer>>
let client: Client
beforeAll(async () => {
  server = await startServer()
  client = (await seed(server.provider.services)).C1
})
afterAll(() => server[Symbol.asyncDispose]())

const DEVICE = 'urn:ietf:params:oauth:grant-type:device_code'
const cases: Array<[string, Record<string, string>, string]> = [
  ['authorization_code without code', { grant_type: 'authorization_code' }, 'code'],
  ['authorization_code with an empty code', { grant_type: 'authorization_code', code: '' }, 'code'],
  ['refresh_token with an empty refresh_token', { grant_type: 'refresh_token', refresh_token: '' }, 'refresh_token'],
  ['refresh_token without refresh_token', { grant_type: 'refresh_token' }, 'refresh_token'],
  ['password without username', { grant_type: 'password', password: 'x' }, 'username'],
  ['password with an empty password', { grant_type: 'password', username: 'bob', password: '' }, 'password'],
  ['password without password', { grant_type: 'password', username: 'bob' }, 'password'],
  ['the device_code grant without device_code', { grant_type: DEVICE }, 'device_code'],
]

describe('RFC 6749 §5.2, issue 14 §2: a missing required parameter is named in error_description', () => {
  test.each(cases)('%s → 400 invalid_request "… is required"', async (_, params, name) => {
    const res = await postForm(server.url, '/oauth/token', client, params)
    expect(res.status).toBe(400)
    const body = (await res.json()) as Record<string, string>
    expect(body.error).toBe('invalid_request')
    expect(body.error_description).toBe(`${name} is required`)
  })
})
