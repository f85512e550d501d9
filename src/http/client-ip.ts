/**
 * @module
 * The client's address for logs and rate limits. X-Forwarded-For is believed only when the socket
 * peer is a configured proxy (RFC 9700 §4.13: a spoofed header from anyone else neither resets nor
 * moves a rate-limit bucket). The rightmost address not itself a trusted proxy is the client.
 */
/** A socket or header address as configured proxies are written: no brackets, IPv4-mapped IPv6 as IPv4. */
export function normalize(ip: string): string {
  const trimmed = ip.trim().replace(/^\[|\]$/g, '')
  return trimmed.startsWith('::ffff:') && trimmed.includes('.') ? trimmed.slice(7) : trimmed
}

export function clientIp(socketIp: string, forwardedFor: string | null, trustedProxies: readonly string[]): string {
  const peer = normalize(socketIp)
  if (!forwardedFor || !trustedProxies.includes(peer)) return peer
  const hops = forwardedFor
    .split(',')
    .map(normalize)
    .filter((h) => /^[0-9a-fA-F:.]{2,45}$/.test(h))
  for (let i = hops.length - 1; i >= 0; i--) if (!trustedProxies.includes(hops[i]!)) return hops[i]!
  return hops[0] ?? peer
}
