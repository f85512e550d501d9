/**
 * @module
 * Which IP addresses a metadata document may be fetched from (issue 18; draft-ietf-oauth-client-id-metadata-document
 * §6, server-side request forgery): only public unicast ones. Everything a special-purpose registry names is
 * refused (RFC 6890 with RFC 6598, RFC 9637), and an IPv6 address that embeds an IPv4 one (mapped, compatible,
 * NAT64) is judged by the IPv4 address inside. The ranges are checked with node:net's BlockList.
 */
import { BlockList, isIP } from 'node:net'

/** IPv4 ranges that are not public unicast, each with why. */
const IPV4: ReadonlyArray<readonly [string, number, string]> = [
  ['0.0.0.0', 8, '"this network" (RFC 791), 0.0.0.0 the unspecified address'],
  ['10.0.0.0', 8, 'private (RFC 1918)'],
  ['100.64.0.0', 10, 'carrier-grade NAT (RFC 6598)'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local (RFC 3927), cloud metadata at 169.254.169.254'],
  ['172.16.0.0', 12, 'private (RFC 1918)'],
  ['192.0.0.0', 24, 'IETF protocol assignments (RFC 6890)'],
  ['192.0.2.0', 24, 'documentation (RFC 5737)'],
  ['192.88.99.0', 24, '6to4 relay anycast (RFC 7526)'],
  ['192.168.0.0', 16, 'private (RFC 1918)'],
  ['198.18.0.0', 15, 'benchmarking (RFC 2544)'],
  ['198.51.100.0', 24, 'documentation (RFC 5737)'],
  ['203.0.113.0', 24, 'documentation (RFC 5737)'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved (RFC 1112), 255.255.255.255 broadcast'],
]

/** IPv6 ranges that are not public unicast (the IPv4-embedding ones are unwrapped first, see below). */
const IPV6: ReadonlyArray<readonly [string, number, string]> = [
  ['::', 96, 'unspecified, loopback or IPv4-compatible (RFC 4291)'],
  ['64:ff9b:1::', 48, 'local-use NAT64 (RFC 8215)'],
  ['100::', 64, 'discard-only (RFC 6666)'],
  ['2001::', 23, 'IETF protocol assignments, Teredo (RFC 6890)'],
  ['2001:db8::', 32, 'documentation (RFC 3849)'],
  ['2002::', 16, '6to4 (RFC 3056)'],
  ['3fff::', 20, 'documentation (RFC 9637)'],
  ['5f00::', 16, 'segment routing SIDs (RFC 9602)'],
  ['fc00::', 7, 'unique local (RFC 4193)'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'site-local (deprecated, RFC 3879)'],
  ['ff00::', 8, 'multicast'],
]

const blocked = new BlockList()
for (const [net, prefix] of IPV4) blocked.addSubnet(net, prefix, 'ipv4')
for (const [net, prefix] of IPV6) blocked.addSubnet(net, prefix, 'ipv6')

/** The IPv4 address inside ::ffff:a.b.c.d (mapped) or 64:ff9b::a.b.c.d (NAT64, RFC 6052), if any. */
function embeddedIpv4(address: string): string | undefined {
  const m = /^(?:::ffff:|64:ff9b::)(.+)$/i.exec(address)
  if (!m) return undefined
  const tail = m[1]!
  if (isIP(tail) === 4) return tail
  const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(tail)
  if (!hex) return undefined
  const hi = Number.parseInt(hex[1]!, 16)
  const lo = Number.parseInt(hex[2]!, 16)
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.')
}

/** Why an address may not be fetched from, or undefined for a public unicast address. */
export function nonPublicAddress(address: string): string | undefined {
  // A scoped address (fe80::1%eth0) names an interface of this machine: never public.
  if (address.includes('%')) return 'a scoped (link-local) address'
  const family = isIP(address)
  if (family === 0) return 'not an IP address'
  if (family === 6) {
    const v4 = embeddedIpv4(address)
    if (v4 !== undefined) return nonPublicAddress(v4) && `an IPv4-embedding address of ${v4}, which is not public`
    return blocked.check(address, 'ipv6') ? reason(address, 'ipv6') : undefined
  }
  return blocked.check(address, 'ipv4') ? reason(address, 'ipv4') : undefined
}

function reason(address: string, type: 'ipv4' | 'ipv6'): string {
  const table = type === 'ipv4' ? IPV4 : IPV6
  for (const [net, prefix, why] of table) {
    const one = new BlockList()
    one.addSubnet(net, prefix, type)
    if (one.check(address, type)) return why
  }
  return 'not a public address'
}
