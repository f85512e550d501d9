/**
 * @module
 * Global IDs sent in a mutation's input. The relay plugin's own decoding (`t.globalID({ for })`)
 * runs before the resolver and its failures escape the error union as a top-level `errors[]` entry
 * with no path; these inputs are plain `ID`s decoded here instead, inside the resolver, so a
 * malformed ID or one of another type is a ValidationError naming the input field (issue 14 §3).
 */
import { decodeGlobalID } from '@pothos/plugin-relay'
import { Invalid } from '../services/shared/errors.ts'

/** The raw id behind a global ID of type `ref.name` that the caller sent in input field `field`. */
export function idOf(globalId: string | number, ref: { name: string }, field: string): string {
  let decoded: { typename: string; id: string }
  try {
    decoded = decodeGlobalID(String(globalId))
  } catch {
    throw new Invalid(`${field}: not a valid ${ref.name} ID`, field)
  }
  if (decoded.typename !== ref.name) {
    throw new Invalid(`${field}: the ID of a ${decoded.typename}, not of a ${ref.name}`, field)
  }
  return decoded.id
}

/** An optional global ID: absent or null stays undefined. */
export function optionalIdOf(globalId: string | number | null | undefined, ref: { name: string }, field: string) {
  return globalId == null ? undefined : idOf(globalId, ref, field)
}
