/** @module Login sessions: a random cookie value whose SHA-256 is stored. */
import { newId } from '../../crypto/ids.ts'
import { generateSecret, hasPrefix, sha256Hex } from '../../crypto/secrets.ts'
import * as repo from '../../store/repositories/sessions.ts'
import { findUserById } from '../../store/repositories/users.ts'
import type { AuditService } from '../shared/audit.ts'
import type { ServiceDeps } from '../shared/deps.ts'
import { userRowToUser, type User } from '../users/users.ts'

export interface Session {
  id: string
  user: User
  authTime: number
}

export function createSessionService({ db, config, clock }: ServiceDeps, audit: AuditService) {
  return {
    /** A fresh session (and so a fresh cookie value) on every login, against fixation. */
    async start(user: User, ip: string | null): Promise<{ cookieValue: string; session: Session }> {
      const cookieValue = generateSecret('session')
      const now = clock.now()
      const id = newId()
      await db.transaction().execute(async (trx) => {
        await repo.insertSession(trx, { id, token_hash: sha256Hex(cookieValue), user_id: user.id, auth_time: now, created_at: now, expires_at: now + config.sessionTtl, revoked_at: null })
        await audit.record({ type: 'session.started', userId: user.id, ip }, trx)
      })
      return { cookieValue, session: { id, user, authTime: now } }
    },

    async resolve(cookieValue: string | undefined): Promise<Session | undefined> {
      if (!cookieValue || !hasPrefix(cookieValue, 'session') || cookieValue.length > 128) return undefined
      const row = await repo.findLiveSessionByHash(db, sha256Hex(cookieValue), clock.now())
      if (!row) return undefined
      const user = await findUserById(db, row.user_id)
      if (!user || user.disabled_at !== null) return undefined
      return { id: row.id, user: userRowToUser(user), authTime: row.auth_time }
    },

    async end(cookieValue: string | undefined): Promise<void> {
      if (cookieValue && hasPrefix(cookieValue, 'session')) await repo.revokeSessionByHash(db, sha256Hex(cookieValue), clock.now())
    },
  }
}
export type SessionService = ReturnType<typeof createSessionService>
