/**
 * @module
 * Consents: what a user has approved for an application, remembered per user and app. Functions with
 * their dependencies named as parameters (like sessions/sessions.ts), bound once by createGrantService.
 */
import { newId } from '../../crypto/ids.ts'
import * as repo from '../../store/repositories/grants.ts'
import { invalidateOutstandingCodes } from '../../store/repositories/authorization-codes.ts'
import { denyApprovedDeviceCodes } from '../../store/repositories/device-codes.ts'
import { revokeTokensOfGrant } from '../../store/repositories/tokens.ts'
import type { AuditService } from '../shared/audit.ts'
import type { ServiceDeps } from '../shared/deps.ts'
import { joinList, splitList } from '../shared/lists.ts'

export interface Grant {
  id: string
  userId: string
  applicationId: string
  scopes: string[]
  createdAt: number
  updatedAt: number
  revoked: boolean
}

export function grantRowToGrant(row: repo.GrantRow): Grant {
  return {
    id: row.id,
    userId: row.user_id,
    applicationId: row.application_id,
    scopes: splitList(row.scopes),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    revoked: row.revoked_at !== null,
  }
}

/** Concurrent approvals of one grant retry; each retry means another approval was written. */
const APPROVE_ATTEMPTS = 10

/** What the grant operations use: the store, the clock, and (for changes) the audit log. */
export type GrantDeps = Pick<ServiceDeps, 'db' | 'clock'> & { audit: Pick<AuditService, 'record'> }
type GrantReadDeps = Pick<ServiceDeps, 'db'>

/** True when the user has already approved every one of these scopes for the application. */
export async function grantCovers(
  { db }: GrantReadDeps,
  userId: string,
  applicationId: string,
  scopes: readonly string[],
): Promise<boolean> {
  const row = await repo.findGrant(db, userId, applicationId)
  if (!row || row.revoked_at !== null) return false
  const granted = new Set(splitList(row.scopes))
  return scopes.every((s) => granted.has(s))
}

/** The scopes the user has approved for the application (empty when none or revoked). */
export async function approvedScopes({ db }: GrantReadDeps, userId: string, applicationId: string): Promise<string[]> {
  const row = await repo.findGrant(db, userId, applicationId)
  return row && row.revoked_at === null ? splitList(row.scopes) : []
}

/**
 * Records approval, widening an existing grant by the newly approved scopes. An insert-if-absent
 * or a compare-and-set, retried when a concurrent approval (any instance) changed the row first:
 * one grant per user and application, and no approved scope is lost.
 */
export async function approveGrant(
  { db, clock, audit }: GrantDeps,
  userId: string,
  applicationId: string,
  scopes: readonly string[],
  ip: string | null,
): Promise<void> {
  for (let attempt = 0; attempt < APPROVE_ATTEMPTS; attempt++) {
    const done = await db.transaction().execute(async (trx) => {
      const now = clock.now()
      const existing = await repo.findGrant(trx, userId, applicationId)
      const previous = existing && existing.revoked_at === null ? splitList(existing.scopes) : []
      const joined = joinList([...previous, ...scopes])
      const written = existing
        ? await repo.replaceGrantScopes(trx, existing, joined, now)
        : await repo.insertGrantIfAbsent(trx, {
            id: newId(),
            user_id: userId,
            application_id: applicationId,
            scopes: joined,
            now,
          })
      if (written) await audit.record({ type: 'grant.approved', userId, applicationId, ip, detail: { scopes } }, trx)
      return written
    })
    if (done) return
  }
  throw new Error('grant approval lost the race too many times')
}

/** The applications a user has authorized and not revoked. */
export async function listGrantsOfUser({ db }: GrantReadDeps, userId: string): Promise<Grant[]> {
  return (await repo.listLiveGrantsOfUser(db, userId)).map(grantRowToGrant)
}

export async function findGrantById({ db }: GrantReadDeps, id: string): Promise<Grant | undefined> {
  const row = await repo.findGrantById(db, id)
  return row && grantRowToGrant(row)
}

/** Revoking a grant kills every token issued under it, at once (checklist M.73). */
export async function revokeGrant(
  { db, clock, audit }: GrantDeps,
  grantId: string,
  actorUserId: string | null,
  ip: string | null = null,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await repo.findGrantById(trx, grantId)
    if (!row || !(await repo.markGrantRevoked(trx, grantId, clock.now()))) return false
    await revokeTokensOfGrant(trx, row.user_id, row.application_id, clock.now())
    await invalidateOutstandingCodes(trx, row.user_id, row.application_id, clock.now())
    await denyApprovedDeviceCodes(trx, row.user_id, row.application_id)
    await audit.record(
      { type: 'grant.revoked', actorUserId, userId: row.user_id, applicationId: row.application_id, ip },
      trx,
    )
    return true
  })
}

/** The grant operations bound to their dependencies, as handlers and other services reach them. */
export function createGrantService(deps: ServiceDeps, audit: AuditService) {
  const withAudit = { ...deps, audit }
  return {
    covers: (userId: string, applicationId: string, scopes: readonly string[]) =>
      grantCovers(deps, userId, applicationId, scopes),
    approvedScopes: (userId: string, applicationId: string) => approvedScopes(deps, userId, applicationId),
    approve: (userId: string, applicationId: string, scopes: readonly string[], ip: string | null) =>
      approveGrant(withAudit, userId, applicationId, scopes, ip),
    listForUser: (userId: string) => listGrantsOfUser(deps, userId),
    findById: (id: string) => findGrantById(deps, id),
    revoke: (grantId: string, actorUserId: string | null, ip: string | null = null) =>
      revokeGrant(withAudit, grantId, actorUserId, ip),
  }
}
export type GrantService = ReturnType<typeof createGrantService>
