/** @module Signing keys as the admin API sees them: public parts and status only, never the private JWK. */
import type { JWK } from 'jose'
import { signingKeysByIds } from '../../store/repositories/admin-batches.ts'
import { listAllSigningKeys } from '../../store/repositories/admin-pages.ts'
import type { Row } from '../../store/database.ts'
import { assertAdmin, seesAll, type Actor } from './access.ts'
import type { ServiceDeps } from '../shared/deps.ts'
import type { SigningKeyService } from '../keys/signing-keys.ts'

export interface SigningKeyView {
  id: string
  kid: string
  alg: string
  status: 'active' | 'retired'
  publicJwk: JWK
  createdAt: number
  retiredAt: number | null
  publishUntil: number | null
}

function keyRowToView(row: Row<'signing_keys'>): SigningKeyView {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = JSON.parse(row.public_jwk) as JWK
  return {
    id: row.id,
    kid: row.kid,
    alg: row.alg,
    status: row.status,
    publicJwk,
    createdAt: Number(row.created_at),
    retiredAt: row.retired_at,
    publishUntil: row.publish_until,
  }
}

export function createAdminKeyService({ db }: ServiceDeps, signingKeys: SigningKeyService) {
  return {
    async list(actor: Actor): Promise<SigningKeyView[]> {
      return seesAll(actor) ? (await listAllSigningKeys(db)).map(keyRowToView) : []
    },

    async byIds(actor: Actor, ids: readonly string[]): Promise<Array<SigningKeyView | null>> {
      if (!seesAll(actor)) return ids.map(() => null)
      const rows = new Map((await signingKeysByIds(db, ids)).map((r) => [r.id, r]))
      return ids.map((id) => {
        const row = rows.get(id)
        return row ? keyRowToView(row) : null
      })
    },

    /** Old keys stay published until every token they signed has expired. */
    async rotate(actor: Actor, alg: string): Promise<SigningKeyView[]> {
      assertAdmin(actor)
      return rotate(alg, actor.userId)
    },

    /** The CLI's `key list`: the operator at the server's terminal sees every key. */
    async listAsOperator(): Promise<SigningKeyView[]> {
      return (await listAllSigningKeys(db)).map(keyRowToView)
    },

    /** The CLI's `key rotate`: the same rule as the admin API, audited without an acting user. */
    async rotateAsOperator(alg: string): Promise<SigningKeyView[]> {
      return rotate(alg, null)
    },
  }

  /** The new active key of `alg`, then the one it replaced. */
  async function rotate(alg: string, actorUserId: string | null): Promise<SigningKeyView[]> {
    await signingKeys.rotate(alg, actorUserId)
    return (await listAllSigningKeys(db))
      .filter((k) => k.alg === alg)
      .slice(0, 2)
      .map(keyRowToView)
  }
}
export type AdminKeyService = ReturnType<typeof createAdminKeyService>
