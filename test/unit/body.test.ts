/** Request parameters (src/handler/params.ts): RFC 6749 §3.1 and §3.2, read in-process. */
import { describe, expect, test } from 'bun:test'
import { bodyParams, parseUrlEncoded, repeatedTopLevelKey } from '../../src/handler/params.ts'
import { InvalidRequest } from '../../src/handler/errors.ts'

const json = (text: string) =>
  bodyParams(
    new Request('http://lk.test/oauth/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: text,
    }),
    { json: true },
  )
const form = (text: string) =>
  bodyParams(
    new Request('http://lk.test/oauth/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: text,
    }),
    { json: true },
  )

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(InvalidRequest)
  return (error as InvalidRequest).description
}

describe('RFC 6749 §3.1: parameters sent without a value are treated as omitted', () => {
  test('query string: nonce= and a bare name are absent, the others are kept', () => {
    const params = parseUrlEncoded('response_type=code&nonce=&state&scope=openid')
    expect(params).toEqual(Object.assign(Object.create(null), { response_type: 'code', scope: 'openid' }))
    expect('nonce' in params).toBe(false)
    expect('state' in params).toBe(false)
  })

  test('form body: client_secret= is absent (a public client sending it is not client_secret_post)', async () => {
    const params = await form('grant_type=refresh_token&client_id=abc&client_secret=&scope=')
    expect(Object.keys(params)).toEqual(['grant_type', 'client_id'])
  })

  test('JSON body: "nonce": "" is absent', async () => {
    expect(Object.keys(await json('{"grant_type":"refresh_token","scope":""}'))).toEqual(['grant_type'])
  })

  test('§3.1 "MUST NOT be included more than once": an empty value still counts, so a=&a=x is refused', () => {
    expect(() => parseUrlEncoded('scope=&scope=openid')).toThrow(InvalidRequest)
    expect(() => parseUrlEncoded('scope=openid&scope=')).toThrow(InvalidRequest)
  })
})

describe('RFC 6749 §3.2: a JSON key sent twice is a repeated parameter', () => {
  test.each([
    ['the same key twice', '{"grant_type":"client_credentials","scope":"a","scope":"b"}', 'scope'],
    [
      'the same key spelled with an escape',
      '{"grant_type":"client_credentials","scope":"a","\\u0073cope":"b"}',
      'scope',
    ],
    ['whitespace around the colon', '{ "code" : "a" ,\n "code"\t:\r"b" }', 'code'],
    ['an empty value first', '{"scope":"","scope":"openid"}', 'scope'],
  ])('%s → invalid_request naming the parameter', async (_, text, name) => {
    expect(await refusal(json(text))).toBe(`parameter ${name} is repeated`)
  })

  test.each([
    ['distinct keys', '{"a":"1","b":"2"}'],
    ['a value that looks like a key', '{"a":"\\"a\\":","b":"a"}'],
    ['an escaped backslash before the closing quote', '{"a":"x\\\\","b":"y"}'],
    ['keys repeated inside nested values only', '{"a":"1","b":{"a":1,"a":2},"c":[{"a":1},{"a":2}]}'],
    ['no members', '{}'],
  ])('%s: no repeated top-level key', (_, text) => {
    JSON.parse(text)
    expect(repeatedTopLevelKey(text)).toBeUndefined()
  })

  test.each([
    ['nested objects with repeats', '{"a":{"x":"1","x":"2"},"a":"3"}'],
    ['deep arrays', '{"a":' + '['.repeat(5000) + ']'.repeat(5000) + ',"a":"x"}'],
    ['a non-string value', '{"a":1,"a":2}'],
    ['an array body', '[{"a":"1"},{"a":"2"}]'],
    ['a string body', '"a"'],
    ['keys of odd characters', '{"\\ud83d\\ude00":"x","\\u0000":"y","":"z"}'],
  ])('odd input (%s) is a 400-shaped InvalidRequest or a clean parse, never a crash', async (_, text) => {
    const result = await json(text).then(
      (p) => p,
      (e: unknown) => e,
    )
    if (result instanceof Error) expect(result).toBeInstanceOf(InvalidRequest)
  })
})
