/** @module The pieces of the grants' parameter schemas that every grant words the same way. */
import { z } from 'zod'

/**
 * A required string parameter. Absent (RFC 6749 §3.1: sent empty counts as absent) or empty, the
 * error_description names it (RFC 6749 §5.2: it should help the developer), never zod's wording.
 */
export function required(name: string, max: number) {
  const missing = `${name} is required`
  return z.string({ error: missing }).min(1, missing).max(max, `${name} must be at most ${max} characters`)
}
