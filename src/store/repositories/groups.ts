/**
 * @module
 * Groups and their members. Names are matched regardless of case, as the unique index on lower(name)
 * enforces (migration 2026_12_02_200); both sides go through the database's own lower(), as for
 * usernames (users.ts). Pages are keyset windows on UUIDv7 ids (admin-pages.ts).
 */
import { sql, type SqlBool } from 'kysely'
import type { Db, NewRow, Row, RowPatch } from '../database.ts'
import { type PageWindow, windowed } from './admin-pages.ts'

export type GroupRow = Row<'groups'>

export interface GroupFilter {
  /** Part of the name, case-insensitive. */
  search?: string
  /** Only the groups this user belongs to. */
  memberId?: string
}

export function insertGroup(db: Db, row: NewRow<'groups'>): Promise<unknown> {
  return db.insertInto('groups').values(row).execute()
}
export function findGroupById(db: Db, id: string): Promise<GroupRow | undefined> {
  return db.selectFrom('groups').selectAll().where('id', '=', id).executeTakeFirst()
}
export function findGroupByName(db: Db, name: string): Promise<GroupRow | undefined> {
  return db
    .selectFrom('groups')
    .selectAll()
    .where((eb) => eb(eb.fn('lower', ['name']), '=', eb.fn('lower', [eb.cast(eb.val(name), 'text')])))
    .executeTakeFirst()
}
/** One query for a batch of ids; with `memberId`, only the groups that user belongs to. */
export function groupsByIds(db: Db, ids: readonly string[], memberId?: string): Promise<GroupRow[]> {
  if (!ids.length) return Promise.resolve([])
  let q = db
    .selectFrom('groups')
    .selectAll()
    .where('id', 'in', [...ids])
  if (memberId !== undefined) q = q.where('id', 'in', membershipsOf(db, memberId))
  return q.execute()
}

function membershipsOf(db: Db, userId: string) {
  return db.selectFrom('group_members').select('group_id').where('user_id', '=', userId)
}
export async function updateGroup(db: Db, id: string, patch: RowPatch<'groups'>): Promise<boolean> {
  const r = await db.updateTable('groups').set(patch).where('id', '=', id).executeTakeFirst()
  return r.numUpdatedRows > 0n
}
/** Memberships go with the row (ON DELETE CASCADE). */
export async function deleteGroup(db: Db, id: string): Promise<boolean> {
  const r = await db.deleteFrom('groups').where('id', '=', id).executeTakeFirst()
  return r.numDeletedRows > 0n
}

export function pageGroups(db: Db, w: PageWindow, f: GroupFilter): Promise<GroupRow[]> {
  let q = db.selectFrom('groups').selectAll()
  if (f.search) {
    const pattern = '%' + f.search.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c) + '%'
    q = q.where(sql<SqlBool>`lower(name) like ${pattern} escape '\\'`)
  }
  if (f.memberId !== undefined) q = q.where('id', 'in', membershipsOf(db, f.memberId))
  return windowed(q, w, 'id', false).execute()
}

/** True when the membership is new; false when the user already belonged to the group. */
export async function insertMember(db: Db, groupId: string, userId: string, now: number): Promise<boolean> {
  const r = await db
    .insertInto('group_members')
    .values({ group_id: groupId, user_id: userId, created_at: now })
    .onConflict((oc) => oc.columns(['group_id', 'user_id']).doNothing())
    .executeTakeFirst()
  return (r.numInsertedOrUpdatedRows ?? 0n) > 0n
}
export async function deleteMember(db: Db, groupId: string, userId: string): Promise<boolean> {
  const r = await db
    .deleteFrom('group_members')
    .where('group_id', '=', groupId)
    .where('user_id', '=', userId)
    .executeTakeFirst()
  return r.numDeletedRows > 0n
}

/** A page of a group's members, as user rows, keyset on the user's id. */
export function pageMembers(db: Db, groupId: string, w: PageWindow): Promise<Row<'users'>[]> {
  const q = db
    .selectFrom('group_members')
    .innerJoin('users', 'users.id', 'group_members.user_id')
    .selectAll('users')
    .where('group_members.group_id', '=', groupId)
  return windowed(q, w, 'users.id', false).execute()
}

/** The names of a user's groups: one range scan of index group_members_user, joined on the primary key. */
export async function groupNamesOfUser(db: Db, userId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('group_members')
    .innerJoin('groups', 'groups.id', 'group_members.group_id')
    .select('groups.name')
    .where('group_members.user_id', '=', userId)
    .execute()
  return rows.map((r) => r.name)
}
