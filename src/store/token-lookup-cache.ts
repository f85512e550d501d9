/**
 * @module
 * The joined token lookups (token, user, application: repositories/tokens.ts) behind introspection,
 * token info and userinfo, remembered (cache.ts) while nothing that could end a token has happened.
 * A resource server asks about the same token on every API call it serves; this answers the repeats
 * from memory without giving up the database as the truth: any UPDATE or DELETE of tokens, users or
 * applications by this process, or any commit by another process on the SQLite file, empties it.
 * Issuing tokens (plain INSERTs) does not. The cache holds rows, not verdicts: expiry is checked
 * against the clock on every use. On PostgreSQL every lookup reads the database, so a revocation on
 * one instance is honoured by all at once (RFC 7009 §2.2).
 */
import { createCache, type CacheOptions } from './cache.ts'
import { findAccessTokenWithOwnersByHash, findRefreshTokenWithOwnersByHash } from './repositories/tokens.ts'
import type { Db } from './database.ts'

type AccessRow = NonNullable<Awaited<ReturnType<typeof findAccessTokenWithOwnersByHash>>>
type RefreshRow = NonNullable<Awaited<ReturnType<typeof findRefreshTokenWithOwnersByHash>>>

export interface TokenLookups {
  access: (key: string) => Promise<AccessRow | undefined>
  refresh: (key: string) => Promise<RefreshRow | undefined>
}

const OPTIONS: CacheOptions = {
  tables: ['access_tokens', 'refresh_tokens', 'users', 'applications'],
  keyedRowsOnly: true,
  postgresMaxAge: 0,
  maxEntries: 10_000,
}

export function createTokenLookupCache(db: Db): TokenLookups {
  const access = createCache<string, AccessRow>(db, OPTIONS)
  const refresh = createCache<string, RefreshRow>(db, OPTIONS)
  return {
    access: (key) => access.get(key, () => findAccessTokenWithOwnersByHash(db, key)),
    refresh: (key) => refresh.get(key, () => findRefreshTokenWithOwnersByHash(db, key)),
  }
}
