/**
 * @module
 * Signing keys live in the database: created on first start, rotatable, and published in the
 * JWKS until every token they signed has expired. Imported keys are cached per kid, since a kid's
 * key material never changes.
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
import { createCache } from '../../store/cache.ts'
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

export function createSigningKeyService({ db, config, clock }: ServiceDeps, audit: AuditService) {
  const imported = new Map<string, Promise<PrivateKey>>()
  const cache = createCache<'published', repo.SigningKeyRow[]>(db, {
    tables: ['signing_keys'],
    postgresMaxAge: POSTGRES_CACHE_SECONDS,
    now: () => clock.now(),
  })

  /** Remembered keys drop out of the JWKS when their time is up, with no write needed. */
  async function published(): Promise<repo.SigningKeyRow[]> {
    const now = clock.now()
    const rows = (await cache.get('published', () => repo.listPublishedKeys(db, now)))!
    return rows.every((k) => stillPublished(k, now)) ? rows : rows.filter((k) => stillPublished(k, now))
  }

  async function insertNew(alg: SigningAlg): Promise<void> {
    const key = await generateSigningKey(alg)
    await repo.insertSigningKey(db, {
      id: newId(),
      kid: key.kid,
      alg,
      public_jwk: JSON.stringify(key.publicJwk),
      private_jwk: JSON.stringify(key.privateJwk),
      status: 'active',
      created_at: clock.now(),
      retired_at: null,
      publish_until: null,
    })
  }

  return {
    /** Creates an active key for each supported algorithm that has none (first start). */
    async ensure(): Promise<void> {
      const active = await repo.listActiveKeys(db)
      for (const alg of SIGNING_ALGS) if (!active.some((k) => k.alg === alg)) await insertNew(alg)
    },

    async active(alg: SigningAlg): Promise<ActiveSigningKey> {
      const row = (await published()).find((k) => k.status === 'active' && k.alg === alg)
      if (!row) throw new Error(`no active ${alg} signing key`)
      let key = imported.get(row.kid)
      if (!key) {
        key = importPrivateKey(JSON.parse(row.private_jwk) as JWK, alg)
        imported.set(row.kid, key)
      }
      return { kid: row.kid, alg, key: await key }
    },

    async jwks(): Promise<{ keys: JWK[] }> {
      return { keys: (await published()).map((k) => publicOnly(JSON.parse(k.public_jwk) as JWK)) }
    },

    /** Longest life of anything a key signs: used to keep a retired key published. */
    maxSignedLifetime(): number {
      return Math.max(config.idTokenTtl, config.accessTokenTtl)
    },

    /**
     * Retires the active key of `alg` (kept in the JWKS until everything it signed has expired)
     * and makes a new one active. Other instances pick it up within POSTGRES_CACHE_SECONDS.
     */
    async rotate(requested: string, actorUserId: string | null): Promise<{ retired: number; kid: string }> {
      const alg = signingAlg(requested)
      const now = clock.now()
      const key = await generateSigningKey(alg)
      const retired = await db.transaction().execute(async (trx) => {
        const n = await retireActiveKeys(trx, alg, now, now + this.maxSignedLifetime())
        await repo.insertSigningKey(trx, {
          id: newId(),
          kid: key.kid,
          alg,
          public_jwk: JSON.stringify(key.publicJwk),
          private_jwk: JSON.stringify(key.privateJwk),
          status: 'active',
          created_at: now,
          retired_at: null,
          publish_until: null,
        })
        await audit.record({ type: 'signing_key.rotated', actorUserId, detail: { alg, kid: key.kid, retired: n } }, trx)
        return n
      })
      return { retired, kid: key.kid }
    },
  }
}
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

export type SigningKeyService = ReturnType<typeof createSigningKeyService>
