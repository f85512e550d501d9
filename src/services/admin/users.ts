/**
 * @module
 * Users and audit events as the admin API sees them. Account changes are for administrators;
 * a viewer sees only themselves and the audit events that involve them.
 */
import type { z } from 'zod'
import { randomBase64Url } from '../../crypto/secrets.ts'
import * as batch from '../../store/repositories/admin-batches.ts'
import {
  pageAuditEvents,
  pageUsers,
  type AuditFilter,
  type PageWindow,
  type UserFilter,
} from '../../store/repositories/admin-pages.ts'
import * as repo from '../../store/repositories/users.ts'
import type { Row } from '../../store/database.ts'
import { assertAdmin, narrowTo, seesAll, type Actor } from './access.ts'
import type { AuditService } from '../shared/audit.ts'
import type { ServiceDeps } from '../shared/deps.ts'
import { Conflict, NotFound } from '../shared/errors.ts'
import { type NewUserInput, userRowToUser, UserPatch, type User, type UserService } from '../users/users.ts'

/** What updateUser may change (the rule lives with the user service). */
export { UserPatch }

export interface AuditEvent {
  id: string
  type: string
  actorUserId: string | null
  userId: string | null
  applicationId: string | null
  ip: string | null
  detail: Record<string, unknown>
  createdAt: number
}

function auditRowToEvent(row: Row<'audit_events'>): AuditEvent {
  let detail: Record<string, unknown> = {}
  try {
    detail = JSON.parse(row.detail) as Record<string, unknown>
  } catch {}
  return {
    id: row.id,
    type: row.type,
    actorUserId: row.actor_user_id,
    userId: row.user_id,
    applicationId: row.application_id,
    ip: row.ip,
    detail,
    createdAt: row.created_at,
  }
}

export function createAdminUserService({ db }: ServiceDeps, audit: AuditService, users: UserService) {
  async function requireUser(id: string): Promise<repo.UserRow> {
    const row = await repo.findUserById(db, id)
    if (!row) throw new NotFound('no user with this id', 'id')
    return row
  }

  return {
    async page(actor: Actor, w: PageWindow, filter: UserFilter): Promise<User[]> {
      return (await pageUsers(db, w, { ...filter, onlyUserId: narrowTo(actor) })).map(userRowToUser)
    },

    async byIds(actor: Actor, ids: readonly string[]): Promise<Array<User | null>> {
      const rows = new Map((await batch.usersByIds(db, ids)).map((r) => [r.id, r]))
      return ids.map((id) => {
        const row = rows.get(id)
        return row && (seesAll(actor) || row.id === actor.userId) ? userRowToUser(row) : null
      })
    },

    async byUsername(actor: Actor, username: string): Promise<User | null> {
      const row = await repo.findUserByUsername(db, username)
      return row && (seesAll(actor) || row.id === actor.userId) ? userRowToUser(row) : null
    },

    async create(actor: Actor, input: z.input<typeof NewUserInput>): Promise<User> {
      assertAdmin(actor)
      const user = await users.create(input)
      await audit.record({ type: 'user.created_by_admin', actorUserId: actor.userId, userId: user.id })
      return user
    },

    async update(actor: Actor, id: string, patch: z.input<typeof UserPatch>): Promise<User> {
      assertAdmin(actor)
      const row = await requireUser(id)
      if (patch.isAdmin === false && row.id === actor.userId)
        throw new Conflict('you cannot remove your own administrator role', 'isAdmin')
      return users.update(row.username, patch, actor.userId)
    },

    /** Disabling ends sessions and revokes every token the user holds (users.disable). */
    async disable(actor: Actor, id: string): Promise<User> {
      assertAdmin(actor)
      const row = await requireUser(id)
      if (row.id === actor.userId) throw new Conflict('you cannot disable yourself', 'id')
      const user = await users.disable(row.username, actor.userId)
      await audit.record({ type: 'user.disabled_by_admin', actorUserId: actor.userId, userId: row.id })
      return user
    },

    async enable(actor: Actor, id: string): Promise<User> {
      assertAdmin(actor)
      return users.enable((await requireUser(id)).username, actor.userId)
    },

    /** Deletes the account and everything it holds (users.delete); never the caller's own. */
    async delete(actor: Actor, id: string): Promise<User> {
      assertAdmin(actor)
      const row = await requireUser(id)
      if (row.id === actor.userId) throw new Conflict('you cannot delete yourself', 'id')
      return users.delete(row.username, actor.userId)
    },

    async clearLockout(actor: Actor, id: string): Promise<User> {
      assertAdmin(actor)
      return users.clearLockout((await requireUser(id)).username, actor.userId)
    },

    /** Seconds until the user may try to sign in again; 0 when not locked out. */
    async lockedFor(user: User): Promise<number> {
      return users.lockedFor(user.username)
    },

    /** Sets the given password, or a generated one that is returned once. Ends the user's sessions. */
    async resetPassword(
      actor: Actor,
      id: string,
      password: string | null | undefined,
    ): Promise<{ user: User; generatedPassword: string | null }> {
      assertAdmin(actor)
      const row = await requireUser(id)
      // Only an absent password means "generate one"; an empty one meets the password rule in users.setPassword.
      const generatedPassword = password == null ? randomBase64Url(18) : null
      const user = await users.setPassword(row.username, password ?? generatedPassword!, actor.userId)
      await audit.record({ type: 'user.password_reset', actorUserId: actor.userId, userId: row.id })
      return { user, generatedPassword }
    },

    async auditPage(actor: Actor, w: PageWindow, filter: AuditFilter): Promise<AuditEvent[]> {
      return (await pageAuditEvents(db, w, { ...filter, involving: narrowTo(actor) })).map(auditRowToEvent)
    },

    async auditByIds(actor: Actor, ids: readonly string[]): Promise<Array<AuditEvent | null>> {
      const rows = new Map((await batch.auditEventsByIds(db, ids)).map((r) => [r.id, r]))
      return ids.map((id) => {
        const row = rows.get(id)
        return row && (seesAll(actor) || row.user_id === actor.userId || row.actor_user_id === actor.userId)
          ? auditRowToEvent(row)
          : null
      })
    },
  }
}
export type AdminUserService = ReturnType<typeof createAdminUserService>
