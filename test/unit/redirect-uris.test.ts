/** Redirect URI rules (src/services/applications/redirect-uris.ts), tested without a server. */
import { describe, expect, test } from 'bun:test'
import { isLoopbackHost, matchRedirectUri, redirectUriProblem } from '../../src/services/applications/redirect-uris.ts'

describe('RFC 6749 §3.1.2 / RFC 9700 §2.1 / RFC 8252 §7: which redirect URIs can be registered', () => {
  test.each([
    ['https', 'https://client.example/cb'],
    ['https with a port, path and query', 'https://client.example:8443/oauth/cb?tenant=1'],
    ['RFC 8252 §7.3: loopback http on 127.0.0.1', 'http://127.0.0.1/cb'],
    ['RFC 8252 §7.3: loopback http on [::1] with a port', 'http://[::1]:8080/cb'],
    ['RFC 8252 §8.3: http://localhost (registered, matched exactly)', 'http://localhost:3000/cb'],
    ['RFC 8252 §7.1: a reverse-domain private-use scheme', 'com.example.app:/oauth2redirect'],
  ])('accepted: %s', (_name, uri) => {
    expect(redirectUriProblem(uri)).toBeUndefined()
  })

  test.each([
    ['RFC 6749 §3.1.2: a relative URI', '/cb', 'absolute'],
    ['RFC 6749 §3.1.2: a fragment', 'https://client.example/cb#x', 'fragment'],
    ['RFC 9700 §2.1: a wildcard', 'https://*.client.example/cb', 'wildcard'],
    ['a space', 'https://client.example/c b', 'spaces'],
    ['a control character', 'https://client.example/cb\u0000', 'control'],
    ['RFC 9700 §4.1.1: credentials in the authority', 'https://user:pw@client.example/cb', 'credentials'],
    ['RFC 9700 §2.1: plain http to a non-loopback host', 'http://client.example/cb', 'https'],
    ['RFC 8252 §7.1: a private-use scheme that is not reverse-domain', 'myapp:/cb', 'private-use'],
    ['a javascript: URI', 'javascript:alert(1)', 'javascript:'],
    ['a data: URI', 'data:text/html,hi', 'data:'],
    ['a vbscript: URI', 'vbscript:msgbox', 'vbscript:'],
    ['a file: URI', 'file:///etc/passwd', 'file:'],
    ['a URI over 2000 characters', `https://client.example/${'a'.repeat(2000)}`, '2000'],
  ])('refused: %s', (_name, uri, reason) => {
    expect(redirectUriProblem(uri)).toContain(reason)
  })
})

describe('RFC 8252 §7.3 / §8.3: loopback hosts', () => {
  test.each([
    ['127.0.0.1', true],
    ['[::1]', true],
    ['localhost', true],
    ['127.0.0.2', false],
    ['localhost.example', false],
  ])('%s is loopback: %p', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected)
  })
})

describe('RFC 9700 §4.1.3 / RFC 6749 §3.1.2.3: matching at /authorize is exact string comparison', () => {
  const registered = ['https://client.example/cb', 'https://client.example/other?x=1']

  test('an exact registered URI matches, for confidential and public clients', () => {
    expect(matchRedirectUri(registered, 'https://client.example/cb', false)).toBe(true)
    expect(matchRedirectUri(registered, 'https://client.example/other?x=1', true)).toBe(true)
  })

  test.each([
    ['a trailing slash', 'https://client.example/cb/'],
    ['a different path', 'https://client.example/cb2'],
    ['an added query', 'https://client.example/cb?x=1'],
    ['a changed query', 'https://client.example/other?x=2'],
    ['a different case in the path', 'https://client.example/CB'],
    ['a different case in the host (no normalisation)', 'https://CLIENT.example/cb'],
    ['an explicit default port (no normalisation)', 'https://client.example:443/cb'],
    ['a subdomain', 'https://evil.client.example/cb'],
    ['a different scheme', 'http://client.example/cb'],
    ['a fragment', 'https://client.example/cb#x'],
    ['a dot segment', 'https://client.example/x/../cb'],
  ])('does not match: %s', (_name, requested) => {
    expect(matchRedirectUri(registered, requested, false)).toBe(false)
    expect(matchRedirectUri(registered, requested, true)).toBe(false)
  })
})

describe('RFC 8252 §7.3: a public client loopback IP redirect matches on any port', () => {
  test.each([
    ['127.0.0.1 with an ephemeral port', ['http://127.0.0.1/cb'], 'http://127.0.0.1:53219/cb'],
    [
      '127.0.0.1, registered with a port, requested with another',
      ['http://127.0.0.1:8080/cb'],
      'http://127.0.0.1:9090/cb',
    ],
    ['127.0.0.1 with the same query', ['http://127.0.0.1/cb?x=1'], 'http://127.0.0.1:1234/cb?x=1'],
    ['[::1] with a port', ['http://[::1]/cb'], 'http://[::1]:4000/cb'],
  ])('public client: %s', (_name, registeredUris, requested) => {
    expect(matchRedirectUri(registeredUris, requested, true)).toBe(true)
  })

  test('a confidential client gets no port leniency', () => {
    expect(matchRedirectUri(['http://127.0.0.1/cb'], 'http://127.0.0.1:53219/cb', false)).toBe(false)
  })

  test.each([
    ['§8.3: localhost is matched exactly, not on any port', ['http://localhost/cb'], 'http://localhost:3000/cb'],
    ['a different path', ['http://127.0.0.1/cb'], 'http://127.0.0.1:1234/other'],
    ['a different query', ['http://127.0.0.1/cb?x=1'], 'http://127.0.0.1:1234/cb?x=2'],
    ['another loopback address family', ['http://127.0.0.1/cb'], 'http://[::1]:1234/cb'],
    ['https is not the loopback rule', ['https://127.0.0.1/cb'], 'https://127.0.0.1:1234/cb'],
    ['credentials smuggled before the host', ['http://127.0.0.1/cb'], 'http://x@127.0.0.1:1234/cb'],
    ['a non-loopback host', ['http://127.0.0.1/cb'], 'http://127.0.0.2:1234/cb'],
    ['a spelling the URL parser normalises (uppercase scheme)', ['http://127.0.0.1/cb'], 'HTTP://127.0.0.1:1234/cb'],
    ['a path the URL parser normalises (dot segment)', ['http://127.0.0.1/cb'], 'http://127.0.0.1:1234/x/../cb'],
  ])('does not match: %s', (_name, registeredUris, requested) => {
    expect(matchRedirectUri(registeredUris, requested, true)).toBe(false)
  })
})
