/**
 * @module
 * Security-relevant events, written beside the change they describe. Never holds a secret. A function
 * with its dependencies named as its first parameter (like sessions/sessions.ts); `createAuditService`
 * binds it for the services bag and for the aggregates that take the audit log as a port.
 */
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

/** What recording an event uses: the store (or the caller's transaction) and the clock. */
export type AuditDeps = Pick<ServiceDeps, 'db' | 'clock'>

/** Writes one event, inside `trx` when given so it commits or rolls back with the change it describes. */
export function recordAuditEvent({ db, clock }: AuditDeps, event: AuditInput, trx: Db = db): Promise<unknown> {
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
}

/** The audit log bound to its dependencies (`services.audit`, and the `audit` other operations take). */
export function createAuditService(deps: AuditDeps) {
  return {
    record: (event: AuditInput, trx?: Db) => recordAuditEvent(deps, event, trx),
  }
}
export type AuditService = ReturnType<typeof createAuditService>
