/**
 * Issue 14 §5: protocol details that clients nobody on the team wrote (libiddawc, Node's keep-alive
 * http client, browsers) trip over. Each test names the RFC or spec section it holds Latchkey to.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { decodeJwt } from 'jose'
import http from 'node:http'
import { connect } from 'node:net'
import { basic } from '../helpers/oauth.ts'
import { DIALECTS, getCode, location, rawAuthorize, setup, tokensFor, type Env } from '../security/support.ts'

let env: Env
beforeAll(async () => {
  env = await setup()
})
afterAll(async () => {
  await env.server[Symbol.asyncDispose]()
})

describe('RFC 6749 §3.1: a parameter sent without a value is treated as omitted', () => {
  test('nonce= (as some clients send when they have none) → a code, and an ID token without nonce', async () => {
    const tokens = await tokensFor(env, env.f.C1, { scope: 'openid', extra: { nonce: '' } })
    expect(decodeJwt(tokens.id_token!)).not.toHaveProperty('nonce')
  })

  test('state= → the redirect carries no state; prompt= and max_age= are no prompt and no max_age', async () => {
    const { redirect } = await getCode(env, env.f.C1, { scope: 'openid', extra: { state: '', prompt: '', max_age: '' } })
    expect(redirect.searchParams.has('state')).toBe(false)
    expect(redirect.searchParams.get('code')).toBeString()
  })

  test('a public client sending client_secret= at the token endpoint is a public client (no client_secret_post)', async () => {
    const { code, verifier } = await getCode(env, env.f.P1, { scope: 'openid' })
    const res = await fetch(env.server.url + '/oauth/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: env.f.P1.redirectUri, code_verifier: verifier!, client_id: env.f.P1.clientId, client_secret: '' }),
    })
    expect(res.status).toBe(200)
  })
})

describe.each(DIALECTS)('RFC 6749 §3.2: a JSON token request with a repeated key ($name)', (dialect) => {
  test('is refused with 400 invalid_request like a repeated form parameter, not read as its last value', async () => {
    const { code, verifier } = await getCode(env, env.f.C1, { dialect, scope: 'openid' })
    const body = `{"grant_type":"authorization_code","code":"lkac_forged","code":${JSON.stringify(code)},"redirect_uri":${JSON.stringify(env.f.C1.redirectUri)},"code_verifier":${JSON.stringify(verifier)}}`
    const res = await fetch(env.server.url + dialect.token, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: basic(env.f.C1.clientId, env.f.C1.secret!) }, body })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ error: 'invalid_request', error_description: 'parameter code is repeated' })
  })
})

describe('RFC 9112 §9.6: Connection: close is answered with Connection: close', () => {
  /** One raw HTTP/1.1 exchange on a fresh socket: everything the server sent before closing. */
  function rawExchange(head: string): Promise<string> {
    const url = new URL(env.server.url)
    return new Promise((resolve, reject) => {
      let out = ''
      const socket = connect(Number(url.port), url.hostname, () => socket.write(head))
      socket.on('data', (d) => (out += d.toString()))
      socket.on('close', () => resolve(out))
      socket.on('error', reject)
    })
  }

  test.each([
    ['GET /.well-known/openid-configuration', 'close'],
    ['GET /no-such-path', 'close'],
    ['GET /healthz', 'Keep-Alive, Close'],
  ])('%s with Connection: %s → the response header says close', async (line, connection) => {
    const response = await rawExchange(`${line} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: ${connection}\r\n\r\n`)
    const head = response.split('\r\n\r\n')[0]!.split('\r\n')
    expect(head[0]).toMatch(/^HTTP\/1\.1 \d{3} /)
    expect(head.map((h) => h.toLowerCase())).toContain('connection: close')
  })

  test('a request without Connection: close is not told to close', async () => {
    const res = await fetch(env.server.url + '/healthz')
    expect(res.headers.get('connection')).not.toBe('close')
  })

  test("Node's keep-alive agent sending Connection: close gets every answer (no \"socket hang up\" on the second)", async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
    const get = () =>
      new Promise<number>((resolve, reject) => {
        const req = http.request(env.server.url + '/.well-known/openid-configuration', { agent, headers: { Connection: 'close' } }, (res) => {
          res.resume()
          res.on('end', () => resolve(res.statusCode!))
        })
        req.on('error', reject)
        req.end()
      })
    try {
      for (let i = 0; i < 3; i++) expect(await get()).toBe(200)
    } finally {
      agent.destroy()
    }
  })
})
