/**
 * @module
 * Signing keys live in the database: created on first start, rotatable, and published in the
 * JWKS until every token they signed has expired. Functions with their dependencies named as
 * parameters (like sessions/sessions.ts); what they remember is one of them (createSigningKeyCache).
 */
import type { JWK } from 'jose'
import { newId } from '../../crypto/ids.ts'
import {
  generateSigningKey,
  importPrivateKey,
  publicOnly,
  SIGNING_ALGS,
  type PrivateKey,
  type SigningAlg,
} from '../../crypto/jose.ts'
import { retireActiveKeys } from '../../store/repositories/admin-batches.ts'
import type { Clock } from '../../clock.ts'
import { type Cache, createCache } from '../../store/cache.ts'
import type { Db } from '../../store/database.ts'
import * as repo from '../../store/repositories/signing-keys.ts'
import type { AuditService } from '../shared/audit.ts'
import type { ServiceDeps } from '../shared/deps.ts'
import { Invalid } from '../shared/errors.ts'

export interface ActiveSigningKey {
  kid: string
  alg: SigningAlg
  key: PrivateKey
}

/** Other PostgreSQL instances see a rotation within this many seconds (README, "Several instances"). */
const POSTGRES_CACHE_SECONDS = 5

/**
 * What the signing operations remember: the published rows (store/cache.ts; other PostgreSQL instances
 * see a rotation within POSTGRES_CACHE_SECONDS) and each kid's imported key, since a kid's key material
 * never changes. Made once per services bag by createSigningKeyCache and passed in the deps.
 */
export interface SigningKeyCache {
  published: Cache<'published', repo.SigningKeyRow[]>
  imported: Map<string, Promise<PrivateKey>>
}
export function createSigningKeyCache(db: Db, clock: Clock): SigningKeyCache {
  return {
    published: createCache<'published', repo.SigningKeyRow[]>(db, {
      tables: ['signing_keys'],
      postgresMaxAge: POSTGRES_CACHE_SECONDS,
      now: () => clock.now(),
    }),
    imported: new Map(),
  }
}

/** What reading the keys uses: the store, the clock (a retired key's time is up) and the cache. */
export type SigningKeyReadDeps = Pick<ServiceDeps, 'db' | 'clock'> & { keyCache: SigningKeyCache }

/** Remembered keys drop out of the JWKS when their time is up, with no write needed. */
async function published({ db, clock, keyCache }: SigningKeyReadDeps): Promise<repo.SigningKeyRow[]> {
  const now = clock.now()
  const rows = (await keyCache.published.get('published', () => repo.listPublishedKeys(db, now)))!
  return rows.every((k) => stillPublished(k, now)) ? rows : rows.filter((k) => stillPublished(k, now))
}

/** Creates an active key for each supported algorithm that has none (first start). */
export async function ensureSigningKeys({ db, clock }: Pick<ServiceDeps, 'db' | 'clock'>): Promise<void> {
  const active = await repo.listActiveKeys(db)
  for (const alg of SIGNING_ALGS)
    if (!active.some((k) => k.alg === alg)) await repo.insertSigningKey(db, await newKeyRow(alg, clock.now()))
}

export async function activeSigningKey(deps: SigningKeyReadDeps, alg: SigningAlg): Promise<ActiveSigningKey> {
  const row = (await published(deps)).find((k) => k.status === 'active' && k.alg === alg)
  if (!row) throw new Error(`no active ${alg} signing key`)
  const { imported } = deps.keyCache
  let key = imported.get(row.kid)
  if (!key) {
    key = importPrivateKey(JSON.parse(row.private_jwk) as JWK, alg)
    imported.set(row.kid, key)
  }
  return { kid: row.kid, alg, key: await key }
}

export async function publishedJwks(deps: SigningKeyReadDeps): Promise<{ keys: JWK[] }> {
  return { keys: (await published(deps)).map((k) => publicOnly(JSON.parse(k.public_jwk) as JWK)) }
}

/** Longest life of anything a key signs: used to keep a retired key published. */
export function maxSignedLifetime({ config }: Pick<ServiceDeps, 'config'>): number {
  return Math.max(config.idTokenTtl, config.accessTokenTtl)
}

/**
 * Retires the active key of `alg` (kept in the JWKS until everything it signed has expired)
 * and makes a new one active. Other instances pick it up within POSTGRES_CACHE_SECONDS.
 */
export async function rotateSigningKey(
  deps: Pick<ServiceDeps, 'db' | 'config' | 'clock'> & { audit: Pick<AuditService, 'record'> },
  requested: string,
  actorUserId: string | null,
): Promise<{ retired: number; kid: string }> {
  const { db, clock, audit } = deps
  const alg = signingAlg(requested)
  const now = clock.now()
  const row = await newKeyRow(alg, now)
  const retired = await db.transaction().execute(async (trx) => {
    const n = await retireActiveKeys(trx, alg, now, now + maxSignedLifetime(deps))
    await repo.insertSigningKey(trx, row)
    await audit.record({ type: 'signing_key.rotated', actorUserId, detail: { alg, kid: row.kid, retired: n } }, trx)
    return n
  })
  return { retired, kid: row.kid }
}

/** A freshly generated active key of `alg`, as its row. */
async function newKeyRow(alg: SigningAlg, now: number): Promise<repo.SigningKeyRow> {
  const key = await generateSigningKey(alg)
  return {
    id: newId(),
    kid: key.kid,
    alg,
    public_jwk: JSON.stringify(key.publicJwk),
    private_jwk: JSON.stringify(key.privateJwk),
    status: 'active',
    created_at: now,
    retired_at: null,
    publish_until: null,
  }
}

/**
 * The signing key operations bound to their dependencies (`services.signingKeys`). The one piece of
 * state, the key cache, is made here once and passed in.
 */
export function createSigningKeyService(deps: ServiceDeps, audit: AuditService) {
  const bound = { ...deps, audit, keyCache: createSigningKeyCache(deps.db, deps.clock) }
  return {
    ensure: () => ensureSigningKeys(bound),
    active: (alg: SigningAlg) => activeSigningKey(bound, alg),
    jwks: () => publishedJwks(bound),
    maxSignedLifetime: () => maxSignedLifetime(bound),
    rotate: (requested: string, actorUserId: string | null) => rotateSigningKey(bound, requested, actorUserId),
  }
}
export type SigningKeyService = ReturnType<typeof createSigningKeyService>

/** The algorithms a key may be rotated for. */
function signingAlg(alg: string): SigningAlg {
  if (!(SIGNING_ALGS as readonly string[]).includes(alg))
    throw new Invalid(`alg must be one of ${SIGNING_ALGS.join(', ')}`, 'alg')
  return alg as SigningAlg
}

/** The rule of `repo.listPublishedKeys`, for rows remembered since it ran. */
function stillPublished(key: repo.SigningKeyRow, now: number): boolean {
  return key.status === 'active' || (key.publish_until !== null && key.publish_until > now)
}
