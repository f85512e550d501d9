/** @module Consents: what a user has approved for an application, remembered per user and app. */
import { newId } from '../crypto/ids.ts'
import * as repo from '../store/repositories/grants.ts'
import type { AuditService } from './audit.ts'
import type { ServiceDeps } from './deps.ts'
import { joinList, splitList } from './lists.ts'

export function createGrantService({ db, clock }: ServiceDeps, audit: AuditService) {
  return {
    /** True when the user has already approved every one of these scopes for the application. */
    async covers(userId: string, applicationId: string, scopes: readonly string[]): Promise<boolean> {
      const row = await repo.findGrant(db, userId, applicationId)
      if (!row || row.revoked_at !== null) return false
      const granted = new Set(splitList(row.scopes))
      return scopes.every((s) => granted.has(s))
    },

    /** Records approval, widening an existing grant by the newly approved scopes. */
    async approve(userId: string, applicationId: string, scopes: readonly string[], ip: string | null): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const existing = await repo.findGrant(trx, userId, applicationId)
        const previous = existing && existing.revoked_at === null ? splitList(existing.scopes) : []
        await repo.upsertGrant(trx, { id: existing?.id ?? newId(), user_id: userId, application_id: applicationId, scopes: joinList([...previous, ...scopes]), now: clock.now() })
        await audit.record({ type: 'grant.approved', userId, applicationId, ip, detail: { scopes } }, trx)
      })
    },
  }
}
export type GrantService = ReturnType<typeof createGrantService>
