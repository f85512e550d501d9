/**
 * @module
 * The groups whose members may use an application (issue 16, migration 2026_12_02_500). Rows go with
 * their application or their group (ON DELETE CASCADE); whether the application is restricted at all
 * is `applications.group_restricted`, so an application whose every group was deleted stays closed.
 */
import type { Db, Row } from '../database.ts'

/** Replaces the application's list with `groupIds` (run inside the caller's transaction). */
export async function replaceApplicationGroups(db: Db, applicationId: string, groupIds: readonly string[]) {
  await db.deleteFrom('application_groups').where('application_id', '=', applicationId).execute()
  if (groupIds.length)
    await db
      .insertInto('application_groups')
      .values([...new Set(groupIds)].map((group_id) => ({ application_id: applicationId, group_id })))
      .execute()
}

/** The groups on each application's list, by application id, ordered by name; one query for the batch. */
export async function groupsOfApplications(
  db: Db,
  applicationIds: readonly string[],
): Promise<Map<string, Row<'groups'>[]>> {
  const byApp = new Map<string, Row<'groups'>[]>(applicationIds.map((id) => [id, []]))
  if (!applicationIds.length) return byApp
  const rows = await db
    .selectFrom('application_groups')
    .innerJoin('groups', 'groups.id', 'application_groups.group_id')
    .selectAll('groups')
    .select('application_groups.application_id')
    .where('application_groups.application_id', 'in', [...applicationIds])
    .orderBy('groups.name')
    .execute()
  for (const { application_id, ...group } of rows) byApp.get(application_id)?.push(group)
  return byApp
}

/**
 * True when the user belongs to one of the groups on the application's list: one indexed probe of
 * group_members (primary key (group_id, user_id)) per listed group, stopped at the first hit.
 */
export async function isMemberOfApplicationGroups(db: Db, applicationId: string, userId: string): Promise<boolean> {
  const hit = await db
    .selectFrom('application_groups')
    .innerJoin('group_members', 'group_members.group_id', 'application_groups.group_id')
    .select('group_members.user_id')
    .where('application_groups.application_id', '=', applicationId)
    .where('group_members.user_id', '=', userId)
    .limit(1)
    .executeTakeFirst()
  return hit !== undefined
}

/** Every (application, group) pair, for export. */
export function listApplicationGroups(db: Db): Promise<Row<'application_groups'>[]> {
  return db.selectFrom('application_groups').selectAll().orderBy('application_id').orderBy('group_id').execute()
}
