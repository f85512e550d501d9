/** @module Space-separated lists as stored and as put on the wire (scope, grant_types). */
export function splitList(value: string | null | undefined): string[] {
  return value ? value.split(' ').filter(Boolean) : []
}
export function joinList(values: Iterable<string>): string {
  return [...new Set(values)].join(' ')
}
