/** @module Security-relevant events, written beside the change they describe. Never holds a secret. */
import { newId } from '../../crypto/ids.ts'
import { insertAuditEvent } from '../../store/repositories/audit-events.ts'
import type { Db } from '../../store/database.ts'
import type { ServiceDeps } from './deps.ts'

export interface AuditInput {
  type: string
  actorUserId?: string | null
  userId?: string | null
  applicationId?: string | null
  ip?: string | null
  detail?: Record<string, unknown>
}

export function createAuditService({ db, clock }: ServiceDeps) {
  return {
    record(event: AuditInput, trx: Db = db): Promise<unknown> {
      return insertAuditEvent(trx, {
        id: newId(),
        type: event.type,
        actor_user_id: event.actorUserId ?? null,
        user_id: event.userId ?? null,
        application_id: event.applicationId ?? null,
        ip: event.ip ?? null,
        detail: JSON.stringify(event.detail ?? {}),
        created_at: clock.now(),
      })
    },
  }
}
export type AuditService = ReturnType<typeof createAuditService>
