/**
 * Issue 16: an application may be restricted to the members of given groups. The groups are kept by
 * id in `application_groups` (a rename changes nothing here), and a row goes with its application or
 * its group (ON DELETE CASCADE on both keys). `applications.group_restricted` says the application is
 * restricted at all, apart from the rows: when every group on its list has been deleted, the list is
 * empty but the application stays closed (the safe reading), rather than opening to everyone.
 * The index on (group_id) serves the cascade from a deleted group. Frozen in time; portable to
 * PostgreSQL.
 */
import type { Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('applications')
    .addColumn('group_restricted', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
  await db.schema
    .createTable('application_groups')
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id').onDelete('cascade'))
    .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('application_groups_pk', ['application_id', 'group_id'])
    .execute()
  await db.schema.createIndex('application_groups_group').on('application_groups').column('group_id').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('application_groups').execute()
  await db.schema.alterTable('applications').dropColumn('group_restricted').execute()
}
