/**
 * Request parameters (src/handler/params.ts), the cases test/unit/body.test.ts leaves open: decoding,
 * media types, JSON value types and the size limits — RFC 6749 §3.1, §3.2, Appendix B, RFC 6819 §4.4.1.11.
 */
import { describe, expect, test } from 'bun:test'
import { bodyParams, LIMITS, parseCookies, parseUrlEncoded, queryParams, readBody } from '../../src/handler/params.ts'
import { InvalidRequest, RequestTooLarge } from '../../src/handler/errors.ts'

const post = (body: BodyInit, type: string | null, headers: Record<string, string> = {}) =>
  new Request('http://lk.test/oauth/token', {
    method: 'POST',
    headers: { ...(type === null ? {} : { 'Content-Type': type }), ...headers },
    body,
  })

async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(Error)
  return error as Error
}
function thrown(run: () => unknown): Error {
  try {
    run()
  } catch (error) {
    return error as Error
  }
  throw new Error('expected a refusal')
}

describe('RFC 6749 Appendix B: application/x-www-form-urlencoded decoding', () => {
  test('"+" is a space and percent-escapes decode as UTF-8', () => {
    expect({ ...parseUrlEncoded('scope=openid+profile&state=a%2Bb%20c&name=J%C3%BCrgen') }).toEqual({
      scope: 'openid profile',
      state: 'a+b c',
      name: 'Jürgen',
    })
  })

  test.each([
    ['a bad escape', 'state=%zz'],
    ['a truncated escape', 'state=%4'],
    ['an escape of invalid UTF-8', 'state=%C3%28'],
    ['a bad escape in the name', '%zz=1'],
  ])('%s → invalid_request', (_name, text) => {
    expect(thrown(() => parseUrlEncoded(text))).toBeInstanceOf(InvalidRequest)
  })

  test('empty pairs (a=1&&b=2, a trailing &) are skipped', () => {
    expect({ ...parseUrlEncoded('a=1&&b=2&') }).toEqual({ a: '1', b: '2' })
  })

  test('the result has no prototype, so __proto__ and constructor are plain parameters', () => {
    const params = parseUrlEncoded('__proto__=x&constructor=y')
    expect(Object.getPrototypeOf(params)).toBeNull()
    expect({ ...params }).toEqual({ ['__proto__']: 'x', constructor: 'y' })
  })

  test('§3.1: a repeated query parameter is refused', () => {
    expect(thrown(() => queryParams(new URL('http://lk.test/oauth/authorize?state=a&state=b'))).message).toContain(
      'repeated',
    )
  })
})

describe('RFC 6749 §3.2: the media types a body may have', () => {
  test.each([
    ['form with a charset parameter', 'application/x-www-form-urlencoded; charset=UTF-8'],
    ['form in upper case', 'Application/X-WWW-Form-Urlencoded'],
  ])('accepted: %s', async (_name, type) => {
    expect({ ...(await bodyParams(post('a=1', type), { json: false })) }).toEqual({ a: '1' })
  })

  test.each([
    ['no Content-Type', null],
    ['text/plain', 'text/plain'],
    ['multipart/form-data', 'multipart/form-data; boundary=x'],
    ['JSON where only forms are taken', 'application/json'],
  ])('refused with invalid_request: %s', async (_name, type) => {
    expect(await failure(bodyParams(post('{"a":"1"}', type), { json: false }))).toBeInstanceOf(InvalidRequest)
  })

  test('JSON is accepted where the endpoint takes it', async () => {
    expect({ ...(await bodyParams(post('{"a":"1"}', 'application/json; charset=utf-8'), { json: true })) }).toEqual({
      a: '1',
    })
  })

  test('a body that is not valid UTF-8 → invalid_request', async () => {
    const bytes = new Uint8Array([0x61, 0x3d, 0xc3, 0x28])
    expect(await failure(bodyParams(post(bytes, 'application/x-www-form-urlencoded'), { json: false }))).toBeInstanceOf(
      InvalidRequest,
    )
  })
})

describe('the body a route declares (readBody)', () => {
  test('none: a body is never read', async () => {
    expect({ ...(await readBody(post('a=1', 'application/x-www-form-urlencoded'), 'none')) }).toEqual({})
  })

  test('RFC 6750 §2.2 form-if-sent: a form is read, any other body is ignored rather than refused', async () => {
    expect({
      ...(await readBody(post('access_token=t', 'application/x-www-form-urlencoded'), 'form-if-sent')),
    }).toEqual({ access_token: 't' })
    expect({ ...(await readBody(post('{"access_token":"t"}', 'application/json'), 'form-if-sent')) }).toEqual({})
  })

  test('form refuses JSON; form-or-json takes it', async () => {
    expect(await failure(readBody(post('{"a":"1"}', 'application/json'), 'form'))).toBeInstanceOf(InvalidRequest)
    expect({ ...(await readBody(post('{"a":"1"}', 'application/json'), 'form-or-json')) }).toEqual({ a: '1' })
  })
})

describe('RFC 6749 §3.2: a JSON body is one object of string values', () => {
  test.each([
    ['truncated JSON', '{"a":"1"'],
    ['an array', '[]'],
    ['null', 'null'],
    ['a number', '42'],
    ['a number value', '{"expires_in":3600}'],
    ['a boolean value', '{"a":true}'],
    ['an array value', '{"scope":["a","b"]}'],
    ['an object value', '{"a":{"b":"c"}}'],
    ['a null value', '{"a":null}'],
  ])('%s → invalid_request, nothing coerced', async (_name, text) => {
    expect(await failure(bodyParams(post(text, 'application/json'), { json: true }))).toBeInstanceOf(InvalidRequest)
  })
})

describe('RFC 6819 §4.4.1.11: limits against resource exhaustion', () => {
  const many = (n: number) => Array.from({ length: n }, (_, i) => `p${i}=v`).join('&')

  test(`at most ${LIMITS.parameters} parameters, in a query, a form and a JSON body`, async () => {
    expect(Object.keys(parseUrlEncoded(many(LIMITS.parameters)))).toHaveLength(LIMITS.parameters)
    expect(thrown(() => parseUrlEncoded(many(LIMITS.parameters + 1)))).toBeInstanceOf(InvalidRequest)
    const object = JSON.stringify(
      Object.fromEntries(Array.from({ length: LIMITS.parameters + 1 }, (_, i) => [`p${i}`, 'v'])),
    )
    expect(await failure(bodyParams(post(object, 'application/json'), { json: true }))).toBeInstanceOf(InvalidRequest)
  })

  test(`a value may be ${LIMITS.valueLength} characters, not more; a name at most 128`, () => {
    expect(parseUrlEncoded(`state=${'a'.repeat(LIMITS.valueLength)}`).state).toHaveLength(LIMITS.valueLength)
    expect(thrown(() => parseUrlEncoded(`state=${'a'.repeat(LIMITS.valueLength + 1)}`)).message).toBe(
      'parameter state is too long',
    )
    expect(thrown(() => parseUrlEncoded(`${'n'.repeat(129)}=1`))).toBeInstanceOf(InvalidRequest)
  })

  test('an error names a parameter only when the name is plain, so input is not echoed', () => {
    expect(thrown(() => parseUrlEncoded(`%3Cscript%3E=${'a'.repeat(LIMITS.valueLength + 1)}`)).message).toBe(
      'parameter (unnamed) is too long',
    )
  })

  test(`a body over ${LIMITS.bodyBytes} bytes → 413, whether Content-Length says so or not`, async () => {
    const big = `a=${'x'.repeat(LIMITS.bodyBytes)}`
    const declared = await failure(
      bodyParams(post('a=1', 'application/x-www-form-urlencoded', { 'Content-Length': String(LIMITS.bodyBytes + 1) }), {
        json: false,
      }),
    )
    const undeclared = await failure(bodyParams(post(big, 'application/x-www-form-urlencoded'), { json: false }))
    expect([declared, undeclared].map((e) => [e.constructor, (e as RequestTooLarge).status])).toEqual([
      [RequestTooLarge, 413],
      [RequestTooLarge, 413],
    ])
  })
})

describe('RFC 6265 §5.2: the Cookie header', () => {
  test('pairs are split on ";", trimmed, and the first of a repeated name wins', () => {
    expect([...parseCookies('a=1; b = 2 ;a=3; junk; c=x=y')]).toEqual([
      ['a', '1'],
      ['b', '2'],
      ['c', 'x=y'],
    ])
  })

  test('a missing or oversized header yields no cookies', () => {
    expect(parseCookies(null).size).toBe(0)
    expect(parseCookies(`a=${'x'.repeat(8192)}`).size).toBe(0)
  })
})
