/**
 * @module
 * Login sessions: a random cookie value whose SHA-256 is stored. Written as functions whose
 * dependencies are named as parameters (the Kysely example's style), so each operation says what it
 * touches; `createSessionService` binds them for the services bag.
 */
import { newId } from '../../crypto/ids.ts'
import { generateSecret, hasPrefix, sha256Hex } from '../../crypto/secrets.ts'
import * as repo from '../../store/repositories/sessions.ts'
import { findUserById } from '../../store/repositories/users.ts'
import type { AuditService } from '../shared/audit.ts'
import type { ServiceDeps } from '../shared/deps.ts'
import { userRowToUser, type User } from '../users/users.ts'

/**
 * The cookie a browser session travels in: set by the login page (pages/handlers.ts), read there, by
 * forward auth and by /graphql (issue 17).
 */
export const SESSION_COOKIE = 'latchkey_session'

export interface Session {
  id: string
  user: User
  authTime: number
}

/** What starting a session needs: the store, the session lifetime, the clock and the audit log. */
export type StartSessionDeps = ServiceDeps & { audit: Pick<AuditService, 'record'> }

/** A fresh session (and so a fresh cookie value) on every login, against fixation. */
export async function startSession(
  { db, config, clock, audit }: StartSessionDeps,
  user: User,
  ip: string | null,
): Promise<{ cookieValue: string; session: Session }> {
  const cookieValue = generateSecret('session')
  const now = clock.now()
  const id = newId()
  await db.transaction().execute(async (trx) => {
    await repo.insertSession(trx, {
      id,
      token_hash: sha256Hex(cookieValue),
      user_id: user.id,
      auth_time: now,
      created_at: now,
      expires_at: now + config.sessionTtl,
      revoked_at: null,
    })
    await audit.record({ type: 'session.started', userId: user.id, ip }, trx)
  })
  return { cookieValue, session: { id, user, authTime: now } }
}

/** The live session behind a cookie value, if its user still exists and is enabled. */
export async function resolveSession(
  { db, clock }: Pick<ServiceDeps, 'db' | 'clock'>,
  cookieValue: string | undefined,
): Promise<Session | undefined> {
  if (!cookieValue || !hasPrefix(cookieValue, 'session') || cookieValue.length > 128) return undefined
  const row = await repo.findLiveSessionByHash(db, sha256Hex(cookieValue), clock.now())
  if (!row) return undefined
  const user = await findUserById(db, row.user_id)
  if (!user || user.disabled_at !== null) return undefined
  return { id: row.id, user: userRowToUser(user), authTime: row.auth_time }
}

export async function endSession(
  { db, clock }: Pick<ServiceDeps, 'db' | 'clock'>,
  cookieValue: string | undefined,
): Promise<void> {
  if (cookieValue && hasPrefix(cookieValue, 'session'))
    await repo.revokeSessionByHash(db, sha256Hex(cookieValue), clock.now())
}

/** The session operations bound to their dependencies, as the handlers reach them (`services.sessions`). */
export function createSessionService(deps: ServiceDeps, audit: AuditService) {
  return {
    start: (user: User, ip: string | null) => startSession({ ...deps, audit }, user, ip),
    resolve: (cookieValue: string | undefined) => resolveSession(deps, cookieValue),
    end: (cookieValue: string | undefined) => endSession(deps, cookieValue),
  }
}
export type SessionService = ReturnType<typeof createSessionService>
