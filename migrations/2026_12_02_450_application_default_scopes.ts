/**
 * What an application gets when its authorization request names no scope (RFC 6749 §3.3: "the
 * authorization server MUST either process the request using a pre-defined default value or fail"):
 * a space-separated list, within the application's allowed scopes. Null keeps the server's rule (the
 * allowed scopes marked default, else all of them). Issue 16: git credential helpers ask for no scope,
 * and the git-helpers preset gives them the repository scopes only. Frozen in time; portable to PostgreSQL.
 */
import type { Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('applications').addColumn('default_scopes', 'text').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('applications').dropColumn('default_scopes').execute()
}
