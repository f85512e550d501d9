import { describe, expect, test } from 'bun:test'
import { clientIp } from '../../src/http/client-ip.ts'

describe('RFC 9700 §4.13: X-Forwarded-For is believed only from configured proxies', () => {
  test.each([
    ['an untrusted peer cannot spoof its address', '203.0.113.9', '198.51.100.1', [], '203.0.113.9'],
    ['a trusted proxy passes the client on', '10.0.0.2', '198.51.100.1', ['10.0.0.2'], '198.51.100.1'],
    [
      'the rightmost untrusted hop wins over a spoofed leftmost one',
      '10.0.0.2',
      '1.2.3.4, 198.51.100.1',
      ['10.0.0.2'],
      '198.51.100.1',
    ],
    [
      'chained trusted proxies are skipped',
      '10.0.0.2',
      '198.51.100.1, 10.0.0.3',
      ['10.0.0.2', '10.0.0.3'],
      '198.51.100.1',
    ],
    ['IPv4-mapped IPv6 peers match IPv4 entries', '::ffff:10.0.0.2', '198.51.100.1', ['10.0.0.2'], '198.51.100.1'],
    ['garbage in the header is ignored', '10.0.0.2', 'not-an-ip, <script>', ['10.0.0.2'], '10.0.0.2'],
  ] as const)('%s', (_name, peer, header, trusted, expected) => {
    expect(clientIp(peer, header, trusted)).toBe(expected)
  })
})
