/**
 * @module
 * The joined token lookups (token, user, application: repositories/tokens.ts) behind introspection,
 * token info and userinfo, remembered while nothing that could end a token has happened. A resource
 * server asks about the same token on every API call it serves; this answers the repeats from memory
 * the way the peer's in-memory store does, without giving up the database as the truth.
 *
 * Correct invalidation, in this process and others:
 * - this process: every statement that may end a token (UPDATE or DELETE of tokens, users or
 *   applications) moves the write watch's count (write-watch.ts), and a moved count empties the cache;
 * - other processes on the same SQLite file (the CLI beside a running server): their commits move
 *   the change stamp (`PRAGMA data_version`, repositories/change-stamp.ts), which also empties it;
 * - time: the cache holds rows, not verdicts; expiry is checked against the clock on every use.
 * A row is only remembered if no statement of this process that may end a token ran while it was
 * read (a commit by another process meanwhile empties the cache at the next lookup). Unknown tokens are never
 * remembered, so probing cannot fill it. PostgreSQL offers no cheap signal for other instances'
 * writes, so there every lookup reads the database.
 */
import { externalChangeStamp } from './repositories/change-stamp.ts'
import { findAccessTokenWithOwnersByHash, findRefreshTokenWithOwnersByHash } from './repositories/tokens.ts'
import type { Db } from './database.ts'
import { writeWatchOf } from './write-watch.ts'

const MAX_ENTRIES = 10_000

type Lookup<R> = (db: Db, key: string) => Promise<R | undefined>

export interface TokenLookups {
  access: (key: string) => ReturnType<typeof findAccessTokenWithOwnersByHash>
  refresh: (key: string) => ReturnType<typeof findRefreshTokenWithOwnersByHash>
}

export function createTokenLookupCache(db: Db): TokenLookups {
  const watch = writeWatchOf(db)
  if (!watch) return { access: (key) => findAccessTokenWithOwnersByHash(db, key), refresh: (key) => findRefreshTokenWithOwnersByHash(db, key) }
  const changeStamp = externalChangeStamp(db)
  // One epoch per unbroken stretch without writes; a new epoch starts with empty maps.
  let epoch = { writes: watch.count(), external: undefined as number | undefined, access: new Map<string, unknown>(), refresh: new Map<string, unknown>() }

  function remembering<R>(which: 'access' | 'refresh', find: Lookup<R>) {
    return async (key: string): Promise<R | undefined> => {
      const external = changeStamp()
      const writes = watch!.count()
      if (writes !== epoch.writes || external !== epoch.external) epoch = { writes, external, access: new Map(), refresh: new Map() }
      const current = epoch
      const entries = current[which] as Map<string, R>
      const hit = entries.get(key)
      if (hit !== undefined) return hit
      const row = await find(db, key)
      // Remembered only if nothing that could end a token ran during the read.
      if (row !== undefined && current === epoch && watch!.count() === writes) {
        entries.set(key, row)
        // Oldest first in a Map: past the bound, the entry remembered longest ago goes.
        if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!)
      }
      return row
    }
  }

  return { access: remembering('access', findAccessTokenWithOwnersByHash), refresh: remembering('refresh', findRefreshTokenWithOwnersByHash) }
}
