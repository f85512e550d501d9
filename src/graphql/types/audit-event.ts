/** @module AuditEvent: security-relevant changes, with who did them. Never holds a secret. */
import { ApplicationRef, AuditEventRef, UserRef } from '../refs.ts'

AuditEventRef.implement({
  fields: (t) => ({
    type: t.exposeString('type'),
    actor: t.field({ type: UserRef, nullable: true, resolve: (e) => e.actorUserId }),
    user: t.field({ type: UserRef, nullable: true, resolve: (e) => e.userId }),
    application: t.field({ type: ApplicationRef, nullable: true, resolve: (e) => e.applicationId }),
    ip: t.exposeString('ip', { nullable: true }),
    detail: t.expose('detail', { type: 'JSON' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
})
