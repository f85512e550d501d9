/**
 * Security cases N (docs/security.md): input robustness (cases 75–76): malformed and oversized
 * requests get a clear 4xx, never a 5xx.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { connect } from 'node:net'
import { basic } from '../helpers/oauth.ts'
import { DIALECTS, expectErrorPage, getCode, rawAuthorize, setup, type Env } from '../helpers/flows.ts'

let env: Env
let auth: string
beforeAll(async () => {
  env = await setup({ socket: true }) // raw TCP, and the header/URL limits of Bun's HTTP server itself
  auth = basic(env.f.C1.clientId, env.f.C1.secret!)
})
afterAll(async () => {
  await env.server[Symbol.asyncDispose]()
})

const FORM = 'application/x-www-form-urlencoded'

/** An RFC 6749 §5.2 error body: JSON with a string `error` and no stack trace. */
async function expectRfcError(res: Response, status: number | number[]): Promise<string> {
  expect([status].flat()).toContain(res.status)
  expect(res.headers.get('content-type')).toStartWith('application/json')
  const text = await res.text()
  const body = JSON.parse(text) as Record<string, unknown>
  expect(body.error).toBeString()
  expect(text).not.toMatch(/\bat .*\.ts:\d+|Error:|stack/)
  return body.error as string
}

/** Sends raw bytes on a fresh connection and returns whatever comes back before close. */
function rawHttp(data: string | Uint8Array<ArrayBuffer>, { halfClose = false } = {}): Promise<string> {
  const url = new URL(env.server.url)
  return new Promise((resolve) => {
    let out = ''
    const socket = connect(Number(url.port), url.hostname, () => {
      socket.write(data)
      if (halfClose) socket.end()
    })
    const timer = setTimeout(() => socket.destroy(), 3000)
    socket.on('data', (d) => (out += d.toString()))
    socket.on('close', () => {
      clearTimeout(timer)
      resolve(out)
    })
    socket.on('error', () => undefined)
  })
}

/** The server still answers afterwards; a hung one fails through the test's timeout, not a stopwatch. */
async function stillResponsive(): Promise<void> {
  const res = await fetch(env.server.url + '/.well-known/openid-configuration')
  expect(res.status).toBe(200)
}

describe.each(DIALECTS)('N.75 malformed token requests ($name)', (dialect) => {
  const post = (
    body: string | Uint8Array<ArrayBuffer> | undefined,
    contentType: string | null,
    headers: Record<string, string> = {},
  ) => {
    const h: Record<string, string> = { Authorization: auth, ...headers }
    if (contentType) h['Content-Type'] = contentType
    return fetch(env.server.url + dialect.token, { method: 'POST', headers: h, body })
  }

  test.each([
    ['bad percent-encoding %zz', 'grant_type=authorization_code&code=%zz', FORM],
    ['a lone %', 'grant_type=%', FORM],
    [
      'invalid UTF-8',
      new Uint8Array([0x67, 0x72, 0x61, 0x6e, 0x74, 0x5f, 0x74, 0x79, 0x70, 0x65, 0x3d, 0xff, 0xfe]),
      FORM,
    ],
    [
      'invalid UTF-8 in JSON',
      new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]),
      'application/json',
    ],
    ['truncated JSON', '{"grant_type":"authorization_co', 'application/json'],
    ['a JSON array', '["grant_type","authorization_code"]', 'application/json'],
    ['a JSON string', '"grant_type"', 'application/json'],
    ['JSON null', 'null', 'application/json'],
    ['a JSON number where a string belongs', '{"grant_type":"authorization_code","code":12345}', 'application/json'],
    [
      'a JSON array where a string belongs',
      '{"grant_type":["authorization_code","refresh_token"],"code":"x"}',
      'application/json',
    ],
    [
      'a JSON object where a string belongs',
      '{"grant_type":"authorization_code","code":{"$ne":""}}',
      'application/json',
    ],
    ['deeply nested JSON', '{"a":' + '['.repeat(20000) + ']'.repeat(20000) + '}', 'application/json'],
    ['a repeated parameter', 'grant_type=authorization_code&grant_type=refresh_token&code=x', FORM],
    ['text/plain', 'grant_type=authorization_code&code=x', 'text/plain'],
    ['multipart', 'grant_type=authorization_code', 'multipart/form-data; boundary=x'],
    ['no Content-Type', 'grant_type=authorization_code&code=x', null],
    ['an empty form body', '', FORM],
    ['an empty JSON body', '', 'application/json'],
  ] as Array<[string, string | Uint8Array<ArrayBuffer>, string | null]>)(
    'RFC 6749 §3.2, §5.2: %s → 400 RFC-shaped JSON',
    async (_, body, contentType) => {
      const res = await post(body, contentType)
      expect(await expectRfcError(res, 400)).toBe('invalid_request')
    },
  )

  test(
    'RFC 6749 §3.2: ' + 'a Content-Length shorter than the body → the truncated body is judged (400), never a 5xx',
    async () => {
      const path = dialect.token
      const body = 'grant_type=%2'
      const head =
        `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1` +
        `\r\nAuthorization: ${auth}\r\nContent-Type: ${FORM}` +
        `\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`
      const out = await rawHttp(head + body + 'A=garbage&more')
      expect(out).toMatch(/^HTTP\/1\.1 400 /)
      expect(out).toContain('"error":"invalid_request"')
      await stillResponsive()
    },
  )

  test(
    'RFC 6749 §3.2: a Content-Length longer than the body, ' +
      'then the client hangs up → no 5xx, and the server stays responsive',
    async () => {
      const head =
        `POST ${dialect.token} HTTP/1.1\r\nHost: 127.0.0.1` +
        `\r\nAuthorization: ${auth}\r\nContent-Type: ${FORM}` +
        `\r\nContent-Length: 500\r\nConnection: close\r\n\r\n`
      const out = await rawHttp(head + 'grant_type=authorization_code', { halfClose: true })
      expect(out).not.toMatch(/^HTTP\/1\.1 5/)
      await stillResponsive()
    },
  )
})

describe('N.75 malformed requests elsewhere', () => {
  test.each(DIALECTS)(
    'RFC 6749 §4.1.2.1: /authorize with %zz in the query → an error page, never a redirect or 5xx ($name)',
    async (dialect) => {
      const res = await fetch(
        `${env.server.url}${dialect.authorize}?response_type=code&client_id=${env.f.C1.clientId}&state=%zz`,
        { redirect: 'manual' },
      )
      await expectErrorPage(res)
    },
  )

  test.each(['/oauth/revoke', '/oauth/introspect'])(
    'RFC 7009 §2.1, RFC 7662 §2.1: %s with truncated JSON or a wrong Content-Type → 400 RFC-shaped JSON',
    async (path) => {
      for (const [body, type] of [
        ['{"token":', 'application/json'],
        ['token=x', 'text/plain'],
      ]) {
        const res = await fetch(env.server.url + path, {
          method: 'POST',
          headers: { Authorization: auth, 'Content-Type': type! },
          body,
        })
        expect(await expectRfcError(res, 400)).toBe('invalid_request')
      }
    },
  )

  test('RFC 6750 §2.2: userinfo POST with a malformed form body → 4xx RFC-shaped JSON', async () => {
    const res = await fetch(env.server.url + '/oauth/userinfo', {
      method: 'POST',
      headers: { 'Content-Type': FORM },
      body: 'access_token=%zz',
    })
    await expectRfcError(res, [400, 401])
  })
})

describe('N.76 oversized requests', () => {
  const postToken = (body: string, contentType = FORM, headers: Record<string, string> = {}) =>
    fetch(env.server.url + '/oauth/token', {
      method: 'POST',
      headers: { Authorization: auth, 'Content-Type': contentType, ...headers },
      body,
    })

  test('RFC 6819 §4.4.1.11: a 1 MB body → 413', async () => {
    const res = await postToken('grant_type=authorization_code&code=' + 'a'.repeat(1024 * 1024))
    expect(res.status).toBe(413)
    await stillResponsive()
  })

  test('RFC 6819 §4.4.1.11: a 100 KB scope → 413/400 at the token endpoint and 4xx at /authorize', async () => {
    const token = await postToken(`grant_type=refresh_token&refresh_token=lkrt_x&scope=${'a'.repeat(100 * 1024)}`)
    expect([400, 413]).toContain(token.status)
    const json = await postToken(
      JSON.stringify({ grant_type: 'refresh_token', refresh_token: 'lkrt_x', scope: 'a '.repeat(50 * 1024) }),
      'application/json',
    )
    expect([400, 413]).toContain(json.status)
    const authorize = await fetch(
      `${env.server.url}/oauth/authorize?response_type=code&client_id=${env.f.C1.clientId}` +
        `&scope=${'a'.repeat(100 * 1024)}`,
      { redirect: 'manual' },
    )
    expect([400, 413, 414, 431]).toContain(authorize.status)
    expect(authorize.headers.get('location')).toBeNull()
    await stillResponsive()
  })

  test('RFC 6819 §4.4.1.11: 10,000 parameters → 400/413 in a form body, JSON body and query string', async () => {
    const many = Array.from({ length: 10_000 }, (_, i) => `p${i}=x`).join('&')
    expect([400, 413]).toContain((await postToken(many)).status)
    const json = JSON.stringify(Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`p${i}`, 'x'])))
    expect([400, 413]).toContain((await postToken(json, 'application/json')).status)
    const query = await fetch(`${env.server.url}/oauth/userinfo?${many}`)
    expect([400, 413, 414, 431]).toContain(query.status)
    await stillResponsive()
  })

  test('RFC 6819 §4.4.1.11: a 16 KB header → 431/400 and the server stays responsive', async () => {
    const res = await fetch(env.server.url + '/oauth/userinfo', { headers: { 'X-Filler': 'a'.repeat(16 * 1024) } })
    expect([400, 413, 431]).toContain(res.status)
    const cookie = await fetch(env.server.url + '/login', {
      headers: { Cookie: `latchkey_session=${'a'.repeat(12 * 1024)}` },
    })
    expect(cookie.status).toBeLessThan(500)
    await stillResponsive()
  })

  test.each(DIALECTS)(
    'RFC 6819 §4.4.1.11: an 8 KB state at /authorize → 4xx error page, not echoed into a redirect ($name)',
    async (dialect) => {
      await getCode(env, env.f.C1, { dialect, scope: 'openid' }) // signed in with consent, so only the state can fail
      const res = await rawAuthorize(
        env,
        {
          response_type: 'code',
          client_id: env.f.C1.clientId,
          redirect_uri: env.f.C1.redirectUri,
          scope: 'openid',
          state: 's'.repeat(8 * 1024),
        },
        { path: dialect.authorize, browser: env.browser },
      )
      expect([400, 413, 414, 431]).toContain(res.status)
      expect(res.headers.get('location')).toBeNull()
      await stillResponsive()
    },
  )
})
