/**
 * @module
 * Global IDs sent in a mutation's input or a query's filter. The relay plugin's own decoding
 * (`t.globalID({ for })`) runs before the resolver, so its failures escape a mutation's error union
 * as a top-level `errors[]` entry naming no field. These are plain `ID`s decoded here instead, inside
 * the resolver: a malformed ID or one of another type is an Invalid naming the field the caller sent
 * (issue 14 §3), i.e. a ValidationError in a mutation's result and BAD_USER_INPUT in a query.
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
