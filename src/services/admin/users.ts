/**
 * @module
 * Users and audit events as the admin API sees them. Account changes are for administrators;
 * a viewer sees only themselves and the audit events that involve them. Each change delegates to
 * the user operation holding its rule (users/users.ts) and adds only the access check and the
 * admin's audit event. Functions with their dependencies named as parameters.
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
import type { Row } from '../../store/database.ts'
import { assertAdmin, narrowTo, seesAll, type Actor } from './access.ts'
import type { AuditService } from '../shared/audit.ts'
import type { ServiceDeps } from '../shared/deps.ts'
import { Conflict, NotFound } from '../shared/errors.ts'
import { type NewUserInput, userRowToUser, UserPatch, type User, type UserService } from '../users/users.ts'
import type { LinkService, OneTimeLink } from '../users/links.ts'

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

/** What the admin account operations use: the store for their pages, the audit log, and the user operations. */
export interface AdminUserDeps extends Pick<ServiceDeps, 'db'> {
  audit: Pick<AuditService, 'record'>
  users: Pick<
    UserService,
    | 'findById'
    | 'findByUsername'
    | 'create'
    | 'update'
    | 'setPassword'
    | 'disable'
    | 'enable'
    | 'delete'
    | 'clearLockout'
    | 'lockedFor'
  >
}
type Users<K extends keyof AdminUserDeps['users']> = { users: Pick<AdminUserDeps['users'], K> }

async function requireUser({ users }: Users<'findById'>, id: string): Promise<User> {
  const user = await users.findById(id)
  if (!user) throw new NotFound('no user with this id', 'id')
  return user
}

export async function adminUserPage(
  { db }: Pick<AdminUserDeps, 'db'>,
  actor: Actor,
  w: PageWindow,
  filter: UserFilter,
): Promise<User[]> {
  return (await pageUsers(db, w, { ...filter, onlyUserId: narrowTo(actor) })).map(userRowToUser)
}

export async function adminUsersByIds(
  { db }: Pick<AdminUserDeps, 'db'>,
  actor: Actor,
  ids: readonly string[],
): Promise<Array<User | null>> {
  const rows = new Map((await batch.usersByIds(db, ids)).map((r) => [r.id, r]))
  return ids.map((id) => {
    const row = rows.get(id)
    return row && (seesAll(actor) || row.id === actor.userId) ? userRowToUser(row) : null
  })
}

export async function adminUserByUsername(
  { users }: Users<'findByUsername'>,
  actor: Actor,
  username: string,
): Promise<User | null> {
  const user = await users.findByUsername(username)
  return user && (seesAll(actor) || user.id === actor.userId) ? user : null
}

export async function adminCreateUser(
  { users, audit }: Users<'create'> & Pick<AdminUserDeps, 'audit'>,
  actor: Actor,
  input: z.input<typeof NewUserInput>,
): Promise<User> {
  assertAdmin(actor)
  const user = await users.create(input)
  await audit.record({ type: 'user.created_by_admin', actorUserId: actor.userId, userId: user.id })
  return user
}

export async function adminUpdateUser(
  deps: Users<'findById' | 'update'>,
  actor: Actor,
  id: string,
  patch: z.input<typeof UserPatch>,
): Promise<User> {
  assertAdmin(actor)
  const user = await requireUser(deps, id)
  if (patch.isAdmin === false && user.id === actor.userId)
    throw new Conflict('you cannot remove your own administrator role', 'isAdmin')
  return deps.users.update(user.username, patch, actor.userId)
}

/** Disabling ends sessions and revokes every token the user holds (users.disable). */
export async function adminDisableUser(
  deps: Users<'findById' | 'disable'> & Pick<AdminUserDeps, 'audit'>,
  actor: Actor,
  id: string,
): Promise<User> {
  assertAdmin(actor)
  const target = await requireUser(deps, id)
  if (target.id === actor.userId) throw new Conflict('you cannot disable yourself', 'id')
  const user = await deps.users.disable(target.username, actor.userId)
  await deps.audit.record({ type: 'user.disabled_by_admin', actorUserId: actor.userId, userId: target.id })
  return user
}

export async function adminEnableUser(deps: Users<'findById' | 'enable'>, actor: Actor, id: string): Promise<User> {
  assertAdmin(actor)
  return deps.users.enable((await requireUser(deps, id)).username, actor.userId)
}

/** Deletes the account and everything it holds (users.delete); never the caller's own. */
export async function adminDeleteUser(deps: Users<'findById' | 'delete'>, actor: Actor, id: string): Promise<User> {
  assertAdmin(actor)
  const target = await requireUser(deps, id)
  if (target.id === actor.userId) throw new Conflict('you cannot delete yourself', 'id')
  return deps.users.delete(target.username, actor.userId)
}

export async function adminClearLockout(
  deps: Users<'findById' | 'clearLockout'>,
  actor: Actor,
  id: string,
): Promise<User> {
  assertAdmin(actor)
  return deps.users.clearLockout((await requireUser(deps, id)).username, actor.userId)
}

/** Sets the given password, or a generated one that is returned once. Ends the user's sessions. */
export async function adminResetPassword(
  deps: Users<'findById' | 'setPassword'> & Pick<AdminUserDeps, 'audit'>,
  actor: Actor,
  id: string,
  password: string | null | undefined,
): Promise<{ user: User; generatedPassword: string | null }> {
  assertAdmin(actor)
  const target = await requireUser(deps, id)
  // Only an absent password means "generate one"; an empty one meets the password rule in users.setPassword.
  const generatedPassword = password == null ? randomBase64Url(18) : null
  const user = await deps.users.setPassword(target.username, password ?? generatedPassword!, actor.userId)
  await deps.audit.record({ type: 'user.password_reset', actorUserId: actor.userId, userId: target.id })
  return { user, generatedPassword }
}

/**
 * Issue 17: a one-time link where the user sets a new password (or a first one: an invitation).
 * Returned once; a new link ends the user's previous one. users/links.ts holds the rules.
 */
export async function adminMakeResetLink(
  deps: Users<'findById'> & { links: Pick<LinkService, 'makeReset'> },
  actor: Actor,
  id: string,
): Promise<OneTimeLink & { user: User }> {
  assertAdmin(actor)
  const target = await requireUser(deps, id)
  return deps.links.makeReset(target.id, actor.userId)
}

export async function auditPage(
  { db }: Pick<AdminUserDeps, 'db'>,
  actor: Actor,
  w: PageWindow,
  filter: AuditFilter,
): Promise<AuditEvent[]> {
  return (await pageAuditEvents(db, w, { ...filter, involving: narrowTo(actor) })).map(auditRowToEvent)
}

export async function auditEventsByIds(
  { db }: Pick<AdminUserDeps, 'db'>,
  actor: Actor,
  ids: readonly string[],
): Promise<Array<AuditEvent | null>> {
  const rows = new Map((await batch.auditEventsByIds(db, ids)).map((r) => [r.id, r]))
  return ids.map((id) => {
    const row = rows.get(id)
    return row && (seesAll(actor) || row.user_id === actor.userId || row.actor_user_id === actor.userId)
      ? auditRowToEvent(row)
      : null
  })
}

/** The admin account operations bound to their dependencies (`services.admin.users`). */
export function createAdminUserService(
  { db }: ServiceDeps,
  audit: AuditService,
  users: UserService,
  links: LinkService,
) {
  const d: AdminUserDeps = { db, audit, users }
  return {
    page: (actor: Actor, w: PageWindow, filter: UserFilter) => adminUserPage(d, actor, w, filter),
    byIds: (actor: Actor, ids: readonly string[]) => adminUsersByIds(d, actor, ids),
    byUsername: (actor: Actor, username: string) => adminUserByUsername(d, actor, username),
    create: (actor: Actor, input: z.input<typeof NewUserInput>) => adminCreateUser(d, actor, input),
    update: (actor: Actor, id: string, patch: z.input<typeof UserPatch>) => adminUpdateUser(d, actor, id, patch),
    disable: (actor: Actor, id: string) => adminDisableUser(d, actor, id),
    enable: (actor: Actor, id: string) => adminEnableUser(d, actor, id),
    delete: (actor: Actor, id: string) => adminDeleteUser(d, actor, id),
    clearLockout: (actor: Actor, id: string) => adminClearLockout(d, actor, id),
    /** Seconds until the user may try to sign in again; 0 when not locked out. */
    lockedFor: (user: User) => users.lockedFor(user.username),
    resetPassword: (actor: Actor, id: string, password: string | null | undefined) =>
      adminResetPassword(d, actor, id, password),
    makeResetLink: (actor: Actor, id: string) => adminMakeResetLink({ ...d, links }, actor, id),
    auditPage: (actor: Actor, w: PageWindow, filter: AuditFilter) => auditPage(d, actor, w, filter),
    auditByIds: (actor: Actor, ids: readonly string[]) => auditEventsByIds(d, actor, ids),
  }
}
export type AdminUserService = ReturnType<typeof createAdminUserService>
