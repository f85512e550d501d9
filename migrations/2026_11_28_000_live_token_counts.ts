/**
 * Live-token counters per application, kept by triggers, so the admin API's token counts stop
 * scanning every token of an application (a page of 50 applications over 1,000,000 tokens read them
 * all). A token is counted while it is not revoked (and, for a refresh token, not rotated), in the
 * bucket of the hour it expires in; a reader adds the buckets of later hours and counts only the
 * current hour's tokens exactly (src/store/repositories/admin-batches.ts). Tokens without an
 * expiry go in the bucket NO_EXPIRY. `shard` spreads one application's increments over several
 * rows on PostgreSQL, where concurrent transactions would otherwise queue on one counter row
 * (SQLite has one writer; it always uses shard 0).
 *
 * Every write to the token tables goes through the triggers (grants, rotation, revocation,
 * cascades from a deleted application or user, purge, import), so no service can forget them.
 * Decrements only UPDATE: a bucket already pruned (its hour passed) is not resurrected.
 * Frozen in time; SQLite and PostgreSQL each get their own trigger syntax.
 */
import { sql, SqliteAdapter, type Kysely } from 'kysely'

const NO_EXPIRY = 9_007_199_254_740_991n
const PG_SHARDS = 8

/** Table, its kind label, and the SQL condition (on row alias r) for "counted". */
const TABLES = [
  {
    table: 'access_tokens',
    kind: 'access',
    live: (r: string) => `${r}.application_id is not null and ${r}.revoked_at is null`,
  },
  {
    table: 'refresh_tokens',
    kind: 'refresh',
    live: (r: string) => `${r}.revoked_at is null and ${r}.rotated_at is null`,
  },
] as const

const bucket = (r: string) => `coalesce(${r}.expires_at / 3600, ${NO_EXPIRY})`

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('live_token_counts')
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('expires_hour', 'bigint', (c) => c.notNull())
    .addColumn('shard', 'integer', (c) => c.notNull())
    .addColumn('n', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('live_token_counts_pk', ['application_id', 'kind', 'expires_hour', 'shard'])
    .execute()
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter
  for (const t of TABLES) {
    await sql
      .raw(
        `insert into live_token_counts (application_id, kind, expires_hour, shard, n)
         select r.application_id, '${t.kind}', ${bucket('r')}, 0, count(*) from ${t.table} r
         where ${t.live('r')} group by r.application_id, ${bucket('r')}`,
      )
      .execute(db)
    if (sqlite) await sqliteTriggers(db, t)
    else await postgresTriggers(db, t)
  }
}

function increment(kind: string, shard: string): string {
  return `insert into live_token_counts (application_id, kind, expires_hour, shard, n)
    values (new.application_id, '${kind}', ${bucket('new')}, ${shard}, 1)
    on conflict (application_id, kind, expires_hour, shard) do update set n = live_token_counts.n + 1`
}

function decrement(kind: string): string {
  // Any shard holding a count for the bucket: shards only ever sum, so taking one from any is exact.
  return (
    `update live_token_counts set n = n - 1 where (application_id, kind, expires_hour, shard) = (
    select application_id, kind, expires_hour, shard from live_token_counts
    where application_id = old.application_id and kind = '${kind}' ` +
    `and expires_hour = ${bucket('old')} and n > 0 limit 1)`
  )
}

async function sqliteTriggers(db: Kysely<any>, t: (typeof TABLES)[number]): Promise<void> {
  const name = `${t.table}_live_count`
  await sql
    .raw(
      `create trigger ${name}_insert after insert on ${t.table} when ${t.live('new')} ` +
        `begin ${increment(t.kind, '0')}; end`,
    )
    .execute(db)
  await sql
    .raw(
      `create trigger ${name}_delete after delete on ${t.table} when ${t.live('old')} begin ${decrement(t.kind)}; end`,
    )
    .execute(db)
  const columns = 'of application_id, revoked_at, expires_at' + (t.kind === 'refresh' ? ', rotated_at' : '')
  await sql
    .raw(
      `create trigger ${name}_update_old after update ${columns} on ${t.table} when ${t.live('old')} ` +
        `begin ${decrement(t.kind)}; end`,
    )
    .execute(db)
  await sql
    .raw(
      `create trigger ${name}_update_new after update ${columns} on ${t.table} when ${t.live('new')} ` +
        `begin ${increment(t.kind, '0')}; end`,
    )
    .execute(db)
}

async function postgresTriggers(db: Kysely<any>, t: (typeof TABLES)[number]): Promise<void> {
  const name = `${t.table}_live_count`
  const shard = `floor(random() * ${PG_SHARDS})::integer`
  await sql
    .raw(
      `create function ${name}() returns trigger language plpgsql as $$
      begin
        if tg_op in ('UPDATE', 'DELETE') and ${t.live('old')} then ${decrement(t.kind)}; end if;
        if tg_op in ('INSERT', 'UPDATE') and ${t.live('new')} then ${increment(t.kind, shard)}; end if;
        return null;
      end $$`,
    )
    .execute(db)
  const columns = 'application_id, revoked_at, expires_at' + (t.kind === 'refresh' ? ', rotated_at' : '')
  await sql
    .raw(
      `create trigger ${name} after insert or delete or update of ${columns} on ${t.table} ` +
        `for each row execute function ${name}()`,
    )
    .execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter
  for (const t of TABLES) {
    const name = `${t.table}_live_count`
    if (sqlite)
      for (const suffix of ['insert', 'delete', 'update_old', 'update_new'])
        await sql.raw(`drop trigger ${name}_${suffix}`).execute(db)
    else {
      await sql.raw(`drop trigger ${name} on ${t.table}`).execute(db)
      await sql.raw(`drop function ${name}()`).execute(db)
    }
  }
  await db.schema.dropTable('live_token_counts').execute()
}
