/**
 * @module
 * Ending tokens by id, by user and by application, with the audit event each leaves: the token
 * rules the admin API and the CLI act through (the access checks stay in admin/). Functions with
 * their dependencies named as parameters, like personal-tokens.ts.
 */
import * as batch from '../../store/repositories/admin-batches.ts'
import type { ServiceDeps } from '../shared/deps.ts'
import type { AuditService } from '../shared/audit.ts'

export type RevocationDeps = Pick<ServiceDeps, 'db' | 'clock'> & { audit: Pick<AuditService, 'record'> }

/** A token as the admin lists show it: which table it is in, and whose it is. */
export interface TokenRef {
  id: string
  source: 'access' | 'refresh'
  userId: string | null
  applicationId: string | null
}

/** RFC 7009 §2.1: revoking a token ends its refresh family too. Returns the time of revocation. */
export async function revokeTokenById(
  { db, clock, audit }: RevocationDeps,
  token: TokenRef,
  actorUserId: string | null,
): Promise<number> {
  const now = clock.now()
  await db.transaction().execute(async (trx) => {
    if (token.source === 'refresh') await batch.revokeRefreshTokenFamily(trx, token.id, now)
    else await batch.revokeAccessTokenAndFamily(trx, token.id, now)
    await audit.record(
      {
        type: 'token.revoked',
        actorUserId,
        userId: token.userId,
        applicationId: token.applicationId,
        detail: { tokenId: token.id },
      },
      trx,
    )
  })
  return now
}

/** Every token a user holds; returns how many were revoked. */
export async function revokeTokensOfUser(
  { db, clock, audit }: RevocationDeps,
  userId: string,
  actorUserId: string | null,
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const n = await batch.countAndRevokeTokensOfUser(trx, userId, clock.now())
    await audit.record({ type: 'user.tokens_revoked', actorUserId, userId, detail: { count: n } }, trx)
    return n
  })
}

/** Every token issued to an application; returns how many were revoked. */
export async function revokeTokensOfApplication(
  { db, clock, audit }: RevocationDeps,
  applicationId: string,
  actorUserId: string | null,
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const n = await batch.revokeTokensOfApplication(trx, applicationId, clock.now())
    await audit.record({ type: 'application.tokens_revoked', actorUserId, applicationId, detail: { count: n } }, trx)
    return n
  })
}
