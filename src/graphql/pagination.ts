/**
 * @module
 * Cursor connections over the admin services' keyset pages. A cursor is the base64url of a row
 * id; the page size is capped by MAX_PAGE_SIZE here and rejected above it by limits.ts before
 * execution.
 */
import { resolveCursorConnection, type ResolveCursorConnectionArgs } from '@pothos/plugin-relay'
import { Invalid } from '../services/shared/errors.ts'
import type { PageWindow } from '../services/admin/index.ts'

export const MAX_PAGE_SIZE = 100
export const DEFAULT_PAGE_SIZE = 20

interface ConnectionArgs {
  first?: number | null
  last?: number | null
  after?: string | null
  before?: string | null
}

const encodeCursor = (id: string) => Buffer.from(`c:${id}`).toString('base64url')

function decodeCursor(cursor: string | undefined, field: string): string | undefined {
  if (cursor === undefined) return undefined
  const raw = Buffer.from(cursor, 'base64url').toString()
  if (!raw.startsWith('c:') || raw.length > 100) throw new Invalid(`${field} is not a cursor from this API`, field)
  return raw.slice(2)
}

/** Resolves a connection whose items have an `id`, from a page loader taking a keyset window. */
export function connection<T extends { id: string }>(args: ConnectionArgs, load: (w: PageWindow) => Promise<T[]>) {
  return resolveCursorConnection(
    { args, toCursor: (item: T) => encodeCursor(item.id), defaultSize: DEFAULT_PAGE_SIZE, maxSize: MAX_PAGE_SIZE },
    ({ after, before, limit, inverted }: ResolveCursorConnectionArgs) =>
      load({ after: decodeCursor(after, 'after'), before: decodeCursor(before, 'before'), limit, inverted }),
  )
}

/** GraphQL gives null for an omitted nullable argument; the services want undefined. */
export function opt<T>(value: T | null | undefined): T | undefined {
  return value ?? undefined
}
