/**
 * @module
 * Groups of users (issue 16): managed data whose names are released in the `groups` claim
 * (src/oidc/claims.ts) for forges to map onto administrators and restricted users. Nested groups are
 * not needed. Written as functions whose dependencies are named as parameters (as sessions.ts);
 * `createGroupService` binds them for the services bag. Every change is audited in its transaction.
 *
 * Group names are `^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`, unique regardless of case. They travel in a
 * JSON claim, in comma- or space-separated proxy headers and on command lines, and forges compare them
 * exactly (Gitea's --admin-group): so no commas, spaces, quotes, slashes or non-ASCII letters (which
 * would look alike and fold differently), and no leading punctuation (a name never reads as a flag).
 */
import { z } from 'zod'
import { newId } from '../../crypto/ids.ts'
import type { PageWindow } from '../../store/repositories/admin-pages.ts'
import * as repo from '../../store/repositories/groups.ts'
import { findUserById, findUserByUsername, type UserRow } from '../../store/repositories/users.ts'
import type { AuditService } from '../shared/audit.ts'
import type { ServiceDeps } from '../shared/deps.ts'
import { Conflict, NotFound, parseOrInvalid } from '../shared/errors.ts'
import { type User, userRowToUser } from '../users/users.ts'

export interface Group {
  id: string
  name: string
  description: string | null
  createdAt: number
  updatedAt: number
}

export function groupRowToGroup(row: repo.GroupRow): Group {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

export const GROUP_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/
export const GroupName = z
  .string()
  .regex(GROUP_NAME, 'letters, digits, ".", "_" and "-" only, starting with a letter or digit, at most 64')
/** An empty description is no description. */
export const GroupDescription = z
  .string()
  .trim()
  .max(500)
  .nullish()
  .transform((d) => d || null)
export const NewGroupInput = z.object({ name: GroupName, description: GroupDescription })

/** A group named by its id (GraphQL) or its name, in any case (CLI). */
export type GroupKey = { id: string } | { name: string }
/** A user named by their id (GraphQL) or their username, in any case (CLI). */
export type UserKey = { id: string } | { username: string }

/** What every group operation needs: the store and the clock; changes also the audit log. */
export type GroupReadDeps = Pick<ServiceDeps, 'db'>
export type GroupDeps = Pick<ServiceDeps, 'db' | 'clock'> & { audit: Pick<AuditService, 'record'> }

async function requireGroup({ db }: GroupReadDeps, key: GroupKey, field?: string): Promise<repo.GroupRow> {
  const row = 'id' in key ? await repo.findGroupById(db, key.id) : await repo.findGroupByName(db, key.name)
  if (row) return row
  if ('id' in key) throw new NotFound('no group with this id', field ?? 'id')
  throw new NotFound(`no group named ${key.name}`, field ?? 'name')
}

async function requireUser({ db }: GroupReadDeps, key: UserKey): Promise<UserRow> {
  const row = 'id' in key ? await findUserById(db, key.id) : await findUserByUsername(db, key.username)
  if (row) return row
  if ('id' in key) throw new NotFound('no user with this id', 'user')
  throw new NotFound(`no user named ${key.username}`, 'username')
}

/** Throws Conflict when another group (not `exceptId`) holds this name, in any case. */
async function requireNameFree({ db }: GroupReadDeps, name: string, field: string, exceptId?: string) {
  const holder = await repo.findGroupByName(db, name)
  if (holder && holder.id !== exceptId) throw new Conflict(`a group named ${holder.name} exists`, field)
}

export async function createGroup(
  deps: GroupDeps,
  input: z.input<typeof NewGroupInput>,
  actorUserId: string | null = null,
): Promise<Group> {
  const { db, clock, audit } = deps
  const p = parseOrInvalid(NewGroupInput, input)
  await requireNameFree(deps, p.name, 'name')
  const now = clock.now()
  const row: repo.GroupRow = { id: newId(), name: p.name, description: p.description, created_at: now, updated_at: now }
  try {
    await db.transaction().execute(async (trx) => {
      await repo.insertGroup(trx, row)
      await audit.record({ type: 'group.created', actorUserId, detail: { groupId: row.id, name: row.name } }, trx)
    })
  } catch (e) {
    // A concurrent create took the name first: the unique index said no.
    await requireNameFree(deps, p.name, 'name')
    throw e
  }
  return groupRowToGroup(row)
}

/** What may change on a group: an absent field is unchanged; a null or empty description clears it. */
export const GroupPatch = z.object({ newName: GroupName.optional(), description: GroupDescription.optional() })

/**
 * Renames a group and/or sets its description, in one transaction, after checking both. Tokens
 * already issued keep the old name in their ID token until they are renewed.
 */
export async function updateGroup(
  deps: GroupDeps,
  key: GroupKey,
  patch: z.input<typeof GroupPatch>,
  actorUserId: string | null = null,
): Promise<Group> {
  const { db, clock, audit } = deps
  const row = await requireGroup(deps, key)
  const p = parseOrInvalid(GroupPatch, patch)
  const renaming = p.newName !== undefined && p.newName !== row.name
  if (renaming) await requireNameFree(deps, p.newName!, 'newName', row.id)
  const set = {
    ...(renaming && { name: p.newName! }),
    ...(p.description !== undefined && { description: p.description }),
    updated_at: clock.now(),
  }
  if (Object.keys(set).length === 1) return groupRowToGroup(row)
  try {
    await db.transaction().execute(async (trx) => {
      await repo.updateGroup(trx, row.id, set)
      if (renaming) {
        const detail = { groupId: row.id, from: row.name, to: p.newName }
        await audit.record({ type: 'group.renamed', actorUserId, detail }, trx)
      }
      if (p.description !== undefined) {
        const detail = { groupId: row.id, name: set.name ?? row.name }
        await audit.record({ type: 'group.described', actorUserId, detail }, trx)
      }
    })
  } catch (e) {
    // A concurrent create or rename took the name first: the unique index said no.
    if (renaming) await requireNameFree(deps, p.newName!, 'newName', row.id)
    throw e
  }
  return groupRowToGroup({ ...row, ...set })
}

/** Deletes the group and every membership in it (ON DELETE CASCADE). */
export async function deleteGroup(deps: GroupDeps, key: GroupKey, actorUserId: string | null = null): Promise<Group> {
  const { db, audit } = deps
  const row = await requireGroup(deps, key)
  await db.transaction().execute(async (trx) => {
    await repo.deleteGroup(trx, row.id)
    await audit.record({ type: 'group.deleted', actorUserId, detail: { groupId: row.id, name: row.name } }, trx)
  })
  return groupRowToGroup(row)
}

export interface Membership {
  group: Group
  user: User
  /** False when nothing changed (already a member, or not one). */
  changed: boolean
}

/** Adds a user to a group; adding a member again changes nothing and records nothing. */
export async function addMember(
  deps: GroupDeps,
  groupKey: GroupKey,
  userKey: UserKey,
  actorUserId: string | null = null,
): Promise<Membership> {
  const { db, clock, audit } = deps
  const group = await requireGroup(deps, groupKey, 'group')
  const user = await requireUser(deps, userKey)
  const changed = await db.transaction().execute(async (trx) => {
    const added = await repo.insertMember(trx, group.id, user.id, clock.now())
    const detail = { groupId: group.id, name: group.name }
    if (added) await audit.record({ type: 'group.member_added', actorUserId, userId: user.id, detail }, trx)
    return added
  })
  return { group: groupRowToGroup(group), user: userRowToUser(user), changed }
}

/** Removes a user from a group; removing a non-member changes nothing and records nothing. */
export async function removeMember(
  deps: GroupDeps,
  groupKey: GroupKey,
  userKey: UserKey,
  actorUserId: string | null = null,
): Promise<Membership> {
  const { db, audit } = deps
  const group = await requireGroup(deps, groupKey, 'group')
  const user = await requireUser(deps, userKey)
  const changed = await db.transaction().execute(async (trx) => {
    const removed = await repo.deleteMember(trx, group.id, user.id)
    const detail = { groupId: group.id, name: group.name }
    if (removed) await audit.record({ type: 'group.member_removed', actorUserId, userId: user.id, detail }, trx)
    return removed
  })
  return { group: groupRowToGroup(group), user: userRowToUser(user), changed }
}

/** A keyset page of groups, oldest first; `search` matches part of the name in any case. */
export async function listGroups({ db }: GroupReadDeps, w: PageWindow, filter: repo.GroupFilter): Promise<Group[]> {
  return (await repo.pageGroups(db, w, filter)).map(groupRowToGroup)
}

/** The group, if it exists and (with `memberId`) that user belongs to it. */
export async function findGroup({ db }: GroupReadDeps, key: GroupKey, memberId?: string): Promise<Group | undefined> {
  const row = 'id' in key ? await repo.findGroupById(db, key.id) : await repo.findGroupByName(db, key.name)
  if (!row || (memberId !== undefined && !(await repo.groupsByIds(db, [row.id], memberId)).length)) return undefined
  return groupRowToGroup(row)
}

/**
 * One query for a batch of ids (the GraphQL loader); null where there is no such group, or (with
 * `memberId`) where that user is not a member, exactly as for an unknown id.
 */
export async function groupsByIds(
  { db }: GroupReadDeps,
  ids: readonly string[],
  memberId?: string,
): Promise<Array<Group | null>> {
  const rows = new Map((await repo.groupsByIds(db, ids, memberId)).map((r) => [r.id, r]))
  return ids.map((id) => {
    const row = rows.get(id)
    return row ? groupRowToGroup(row) : null
  })
}

/** A keyset page of a group's members, by user id. */
export async function groupMembers(deps: GroupReadDeps, key: GroupKey, w: PageWindow): Promise<User[]> {
  const group = await requireGroup(deps, key)
  return (await repo.pageMembers(deps.db, group.id, w)).map(userRowToUser)
}

/**
 * The names of the user's groups, sorted by code point (the same on SQLite and PostgreSQL, whatever
 * the collation): what the `groups` claim carries. One indexed query.
 */
export async function groupNamesForUser({ db }: GroupReadDeps, userId: string): Promise<string[]> {
  return (await repo.groupNamesOfUser(db, userId)).sort()
}

/** The group operations bound to their dependencies (`services.groups`). */
export function createGroupService(deps: ServiceDeps, audit: AuditService) {
  const d: GroupDeps = { ...deps, audit }
  return {
    create: (input: z.input<typeof NewGroupInput>, actorUserId?: string | null) => createGroup(d, input, actorUserId),
    /** Renames and/or describes; `rename` and `describe` are the CLI's halves of it. */
    update: (key: GroupKey, patch: z.input<typeof GroupPatch>, actorUserId?: string | null) =>
      updateGroup(d, key, patch, actorUserId),
    rename: (key: GroupKey, newName: string, actorUserId?: string | null) =>
      updateGroup(d, key, { newName }, actorUserId),
    describe: (key: GroupKey, description: string | null, actorUserId?: string | null) =>
      updateGroup(d, key, { description }, actorUserId),
    delete: (key: GroupKey, actorUserId?: string | null) => deleteGroup(d, key, actorUserId),
    addMember: (group: GroupKey, user: UserKey, actorUserId?: string | null) => addMember(d, group, user, actorUserId),
    removeMember: (group: GroupKey, user: UserKey, actorUserId?: string | null) =>
      removeMember(d, group, user, actorUserId),
    list: (w: PageWindow, filter: repo.GroupFilter = {}) => listGroups(d, w, filter),
    find: (key: GroupKey, memberId?: string) => findGroup(d, key, memberId),
    byIds: (ids: readonly string[], memberId?: string) => groupsByIds(d, ids, memberId),
    members: (key: GroupKey, w: PageWindow) => groupMembers(d, key, w),
    namesForUser: (userId: string) => groupNamesForUser(d, userId),
  }
}
export type GroupService = ReturnType<typeof createGroupService>
export type { GroupFilter } from '../../store/repositories/groups.ts'
