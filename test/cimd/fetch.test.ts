/**
 * Issue 18: the metadata document fetcher's rules one by one (draft-ietf-oauth-client-id-metadata-document §3,
 * §4, §6): which addresses are public, the URL rules, the caching bounds, what a document may declare, and the
 * timeout, against a real HTTPS server on loopback that never answers.
 */
import { afterAll, describe, expect, test } from 'bun:test'
import {
  cacheSeconds,
  checkDocumentUrl,
  fetchMetadataDocument,
  MAX_CACHE_SECONDS,
  MIN_CACHE_SECONDS,
  DEFAULT_CACHE_SECONDS,
  MetadataFetchRefused,
} from '../../src/services/applications/metadata-fetch.ts'
import { readClientMetadata } from '../../src/services/applications/metadata-documents.ts'
import { nonPublicAddress } from '../../src/services/applications/public-address.ts'
import { makeTestCa } from '../helpers/test-ca.ts'

describe('draft-ietf-oauth-client-id-metadata-document §6.5: only public unicast addresses', () => {
  const refused = [
    '0.0.0.0',
    '0.1.2.3',
    '10.0.0.1',
    '100.64.0.1',
    '100.127.255.254',
    '127.0.0.1',
    '127.255.255.255',
    '169.254.169.254',
    '172.16.0.1',
    '172.31.255.255',
    '192.0.0.8',
    '192.0.2.1',
    '192.168.0.1',
    '198.18.0.1',
    '198.51.100.1',
    '203.0.113.1',
    '224.0.0.1',
    '239.255.255.250',
    '240.0.0.1',
    '255.255.255.255',
    '::',
    '::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    '::ffff:169.254.169.254',
    '::127.0.0.1',
    '64:ff9b::7f00:1',
    '64:ff9b:1::1',
    '100::1',
    '2001:db8::1',
    '2001::1',
    '2002:7f00:1::1',
    'fc00::1',
    'fd00::1',
    'fe80::1',
    'fe80::1%eth0',
    'fec0::1',
    'ff02::1',
    'not-an-address',
  ]
  for (const address of refused) test(`${address} is refused`, () => expect(nonPublicAddress(address)).toBeString())
  for (const address of ['8.8.8.8', '1.1.1.1', '93.184.215.14', '172.32.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])
    test(`${address} is public`, () => expect(nonPublicAddress(address)).toBeUndefined())
})

describe('draft-ietf-oauth-client-id-metadata-document §3: the client_id URL', () => {
  const ok = (id: string, allow: string[] = []) => checkDocumentUrl(id, allow)
  const bad = (id: string, allow: string[] = []) =>
    expect(() => checkDocumentUrl(id, allow)).toThrow(MetadataFetchRefused)
  test('https with a path on 443 is accepted; a query is allowed', () => {
    expect(ok('https://app.example/client.json').allowed).toBe(false)
    expect(ok('https://app.example/c?v=1').url.search).toBe('?v=1')
  })
  test('an allowed host:port may use its port', () => {
    expect(ok('https://app.test:8443/c.json', ['app.test:8443']).allowed).toBe(true)
    bad('https://app.test:8444/c.json', ['app.test:8443'])
  })
  test('refused: http, no path, dot segments, fragment, credentials, other port, not normalised', () => {
    for (const id of [
      'http://app.example/client.json',
      'https://app.example',
      'https://app.example/',
      'https://app.example/a/./c.json',
      'https://app.example/a/%2e%2e/c.json',
      'https://app.example/c.json#f',
      'https://u:p@app.example/c.json',
      'https://app.example:8443/c.json',
      'https://APP.example/c.json',
      'https://app.example:443/c.json',
      'not a url',
    ])
      bad(id)
  })
})

describe('draft-ietf-oauth-client-id-metadata-document §4.2 with RFC 9111: cache lifetime within bounds', () => {
  const now = 1_800_000_000
  test('max-age is used within 5 min – 24 h', () => {
    expect(cacheSeconds({ 'cache-control': 'public, max-age=3600' }, now)).toBe(3600)
    expect(cacheSeconds({ 'cache-control': 'max-age=10' }, now)).toBe(MIN_CACHE_SECONDS)
    expect(cacheSeconds({ 'cache-control': 'max-age=99999999' }, now)).toBe(MAX_CACHE_SECONDS)
  })
  test('no-store and no-cache mean the minimum; max-age wins over Expires', () => {
    expect(cacheSeconds({ 'cache-control': 'no-store' }, now)).toBe(MIN_CACHE_SECONDS)
    expect(cacheSeconds({ 'cache-control': 'no-cache, max-age=9000' }, now)).toBe(MIN_CACHE_SECONDS)
    const expires = new Date((now + 7200) * 1000).toUTCString()
    expect(cacheSeconds({ 'cache-control': 'max-age=600', expires }, now)).toBe(600)
  })
  test('Expires counts from Date, else from now; nothing means the default', () => {
    const date = new Date(now * 1000).toUTCString()
    expect(cacheSeconds({ expires: new Date((now + 7200) * 1000).toUTCString(), date }, now + 50)).toBe(7200)
    expect(cacheSeconds({ expires: new Date((now + 7200) * 1000).toUTCString() }, now)).toBe(7200)
    expect(cacheSeconds({ expires: 'Thu, 01 Jan 1970 00:00:00 GMT' }, now)).toBe(MIN_CACHE_SECONDS)
    expect(cacheSeconds({}, now)).toBe(DEFAULT_CACHE_SECONDS)
  })
})

describe('draft-ietf-oauth-client-id-metadata-document §4.1: what a document may declare', () => {
  const id = 'https://app.example/client.json'
  const base = { client_id: id, redirect_uris: ['https://app.example/cb'] }
  const offered = ['openid', 'profile', 'email']
  test('unknown grant types and auth methods are ignored, not fatal; RFC 7591 defaults apply', () => {
    const meta = readClientMetadata(
      id,
      {
        ...base,
        grant_types: ['authorization_code', 'urn:x:unknown', 'client_credentials'],
        token_endpoint_auth_method: 'tls_client_auth_x',
      },
      offered,
    )
    expect(meta.grantTypes).toEqual(['authorization_code'])
    expect(readClientMetadata(id, base, offered).grantTypes).toEqual(['authorization_code'])
    expect(readClientMetadata(id, base, offered).scopes).toEqual(offered)
    expect(readClientMetadata(id, base, offered).name).toBe('app.example')
  })
  test('the name is cleaned of control characters and cut to 100 characters', () => {
    expect(readClientMetadata(id, { ...base, client_name: `a\u0000b\n${'c'.repeat(200)}` }, offered).name).toHaveLength(
      100,
    )
  })
  test('scope narrows the offered scopes, never widens them', () => {
    expect(readClientMetadata(id, { ...base, scope: 'openid admin' }, offered).scopes).toEqual(['openid'])
  })
})

describe('draft-ietf-oauth-client-id-metadata-document §6: a short deadline for connect and read', () => {
  const ca = makeTestCa(['slow.test'])
  const never = Promise.withResolvers<void>()
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    tls: { cert: ca.cert, key: ca.key },
    fetch: async (request) => {
      if (new URL(request.url).pathname === '/ok.json')
        return Response.json({ client_id: 'x' }, { headers: { 'Cache-Control': 'max-age=900' } })
      await never.promise
      return new Response('{}')
    },
  })
  afterAll(async () => {
    never.resolve()
    await server.stop(true)
    ca[Symbol.dispose]()
  })
  const options = {
    allowHosts: [`slow.test:${server.port}`],
    ca: ca.caPem,
    now: () => 0,
    resolve: async () => [{ address: '127.0.0.1', family: 4 as const }],
  }

  test('DNS rebinding: the host is resolved once and the connection goes to the address that was checked', async () => {
    let lookups = 0
    // A rebinding resolver: the first answer passes the check, any later one would point inside.
    const resolve = async () => [{ address: lookups++ === 0 ? '127.0.0.1' : '10.0.0.1', family: 4 as const }]
    const fetched = await fetchMetadataDocument(`https://slow.test:${server.port}/ok.json`, { ...options, resolve })
    expect(fetched).toEqual({ document: { client_id: 'x' }, cacheSeconds: 900 })
    expect(lookups).toBe(1)
  })

  test('a server that never answers is refused at the deadline', async () => {
    const id = `https://slow.test:${server.port}/client.json`
    const error = await fetchMetadataDocument(id, { ...options, timeoutMs: 300 }).catch((e) => e)
    expect(error).toBeInstanceOf(MetadataFetchRefused)
    expect(error.message).toContain('took longer than 300 ms')
  })

  test('a certificate not naming the host is refused (the name is checked, not the pinned address)', async () => {
    const wrong = `https://other.test:${server.port}/client.json`
    const error = await fetchMetadataDocument(wrong, { ...options, allowHosts: [`other.test:${server.port}`] }).catch(
      (e) => e,
    )
    expect(error).toBeInstanceOf(MetadataFetchRefused)
    expect(error.message).toContain('could not be fetched over https')
  })

  test('without the test CA the certificate is not trusted', async () => {
    const id = `https://slow.test:${server.port}/client.json`
    const error = await fetchMetadataDocument(id, { ...options, ca: undefined }).catch((e) => e)
    expect(error).toBeInstanceOf(MetadataFetchRefused)
    expect(error.detail).toMatch(/certificate|self.signed|issuer/i)
  })
})
