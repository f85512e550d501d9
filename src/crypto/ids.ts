/** @module Opaque, stable identifiers: UUIDv7 (time-ordered, never sequential integers). */
export function newId(): string {
  return Bun.randomUUIDv7()
}

/** Public client identifiers: random, unrelated to any user's `sub` (RFC 9700 §4.15.1). */
export function newClientId(): string {
  return 'lkc_' + Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('hex')
}
