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

export interface Session {
  id: string
  user: User
  authTime: number
  /** Issue 17: when a page last recorded it (sessions.touch); null before the first. */
  lastSeenAt: number | null
}

/** Issue 17: one of a user's sessions as the account page lists it. */
export interface SessionInfo {
  id: string
  createdAt: number
  lastSeenAt: number | null
  expiresAt: number
  ip: string | null
  /** The browser's User-Agent header, cut to USER_AGENT_MAX characters. */
  userAgent: string | null
}

/** A User-Agent is kept only to tell sessions apart; longer headers are cut. */
export const USER_AGENT_MAX = 256
/** sessions.touch writes at most once per this many seconds per session. */
export const TOUCH_INTERVAL = 300

/** What starting a session needs: the store, the session lifetime, the clock and the audit log. */
export type StartSessionDeps = ServiceDeps & { audit: Pick<AuditService, 'record'> }

/** A fresh session (and so a fresh cookie value) on every login, against fixation. */
export async function startSession(
  { db, config, clock, audit }: StartSessionDeps,
  user: User,
  ip: string | null,
  userAgent: string | null = null,
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
      ip,
      user_agent: userAgent?.slice(0, USER_AGENT_MAX) || null,
      last_seen_at: now,
    })
    await audit.record({ type: 'session.started', userId: user.id, ip }, trx)
  })
  return { cookieValue, session: { id, user, authTime: now, lastSeenAt: now } }
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
  return { id: row.id, user: userRowToUser(user), authTime: row.auth_time, lastSeenAt: row.last_seen_at }
}

/**
 * Issue 17: records that a page saw the session, at most once per TOUCH_INTERVAL. Best effort: a
 * failed write (a read-only store, a busy database) must not fail the page that only wanted to show.
 */
export async function touchSession({ db, clock }: Pick<ServiceDeps, 'db' | 'clock'>, session: Session) {
  const now = clock.now()
  if (session.lastSeenAt !== null && session.lastSeenAt > now - TOUCH_INTERVAL) return
  try {
    await repo.touchSession(db, session.id, now, now - TOUCH_INTERVAL)
  } catch {}
}

/** Issue 17: the user's live sessions, newest first. */
export async function listSessionsOfUser(
  { db, clock }: Pick<ServiceDeps, 'db' | 'clock'>,
  userId: string,
): Promise<SessionInfo[]> {
  return (await repo.listLiveSessionsOfUser(db, userId, clock.now())).map((r) => ({
    id: r.id,
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at,
    expiresAt: r.expires_at,
    ip: r.ip,
    userAgent: r.user_agent,
  }))
}

/** Issue 17: the user ends one of their own sessions; false when it is not theirs or already over. */
export async function endSessionOfUser(
  { db, clock, audit }: StartSessionDeps,
  userId: string,
  sessionId: string,
  ip: string | null,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const ended = await repo.revokeSessionOfUser(trx, userId, sessionId, clock.now())
    if (ended) await audit.record({ type: 'session.ended_by_user', userId, ip, detail: { sessionId } }, trx)
    return ended
  })
}

/** Issue 17: ends every session of the user but `keep` (the one asking); returns how many ended. */
export async function endOtherSessions(
  { db, clock, audit }: StartSessionDeps,
  userId: string,
  keep: string,
  ip: string | null,
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const count = await repo.revokeOtherSessionsOfUser(trx, userId, keep, clock.now())
    await audit.record({ type: 'session.others_ended', userId, ip, detail: { count } }, trx)
    return count
  })
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
    start: (user: User, ip: string | null, userAgent: string | null = null) =>
      startSession({ ...deps, audit }, user, ip, userAgent),
    resolve: (cookieValue: string | undefined) => resolveSession(deps, cookieValue),
    end: (cookieValue: string | undefined) => endSession(deps, cookieValue),
    touch: (session: Session) => touchSession(deps, session),
    listOfUser: (userId: string) => listSessionsOfUser(deps, userId),
    endOfUser: (userId: string, sessionId: string, ip: string | null) =>
      endSessionOfUser({ ...deps, audit }, userId, sessionId, ip),
    endOthers: (userId: string, keep: string, ip: string | null) =>
      endOtherSessions({ ...deps, audit }, userId, keep, ip),
  }
}
export type SessionService = ReturnType<typeof createSessionService>
