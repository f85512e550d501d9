/**
 * @module
 * Signing keys as the admin API sees them: public parts and status only, never the private JWK.
 * Functions with their dependencies named as parameters; rotation delegates to the signing key
 * service, which holds the algorithm rule, and admin adds only the access check.
 */
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

type ReadDeps = Pick<ServiceDeps, 'db'>
/** Rotating delegates to the signing key service's rotate, which holds the algorithm rule. */
type RotateDeps = ReadDeps & { signingKeys: Pick<SigningKeyService, 'rotate'> }

export async function adminListSigningKeys({ db }: ReadDeps, actor: Actor): Promise<SigningKeyView[]> {
  return seesAll(actor) ? (await listAllSigningKeys(db)).map(keyRowToView) : []
}

export async function adminSigningKeysByIds(
  { db }: ReadDeps,
  actor: Actor,
  ids: readonly string[],
): Promise<Array<SigningKeyView | null>> {
  if (!seesAll(actor)) return ids.map(() => null)
  const rows = new Map((await signingKeysByIds(db, ids)).map((r) => [r.id, r]))
  return ids.map((id) => {
    const row = rows.get(id)
    return row ? keyRowToView(row) : null
  })
}

/** Old keys stay published until every token they signed has expired. */
export async function adminRotateSigningKey(deps: RotateDeps, actor: Actor, alg: string): Promise<SigningKeyView[]> {
  assertAdmin(actor)
  return rotateAndShow(deps, alg, actor.userId)
}

/** The CLI's `key list`: the operator at the server's terminal sees every key. */
export async function listSigningKeysAsOperator({ db }: ReadDeps): Promise<SigningKeyView[]> {
  return (await listAllSigningKeys(db)).map(keyRowToView)
}

/** The CLI's `key rotate`: the same rule as the admin API, audited without an acting user. */
export async function rotateSigningKeyAsOperator(deps: RotateDeps, alg: string): Promise<SigningKeyView[]> {
  return rotateAndShow(deps, alg, null)
}

/** The new active key of `alg`, then the one it replaced. */
async function rotateAndShow(
  { db, signingKeys }: RotateDeps,
  alg: string,
  actorUserId: string | null,
): Promise<SigningKeyView[]> {
  await signingKeys.rotate(alg, actorUserId)
  return (await listAllSigningKeys(db))
    .filter((k) => k.alg === alg)
    .slice(0, 2)
    .map(keyRowToView)
}

/** The admin key functions bound to the store and the signing key service (`services.admin.keys`). */
export function createAdminKeyService(deps: ServiceDeps, signingKeys: SigningKeyService) {
  const bound = { ...deps, signingKeys }
  return {
    list: (actor: Actor) => adminListSigningKeys(bound, actor),
    byIds: (actor: Actor, ids: readonly string[]) => adminSigningKeysByIds(bound, actor, ids),
    rotate: (actor: Actor, alg: string) => adminRotateSigningKey(bound, actor, alg),
    listAsOperator: () => listSigningKeysAsOperator(bound),
    rotateAsOperator: (alg: string) => rotateSigningKeyAsOperator(bound, alg),
  }
}
export type AdminKeyService = ReturnType<typeof createAdminKeyService>
