/**
 * Issue 15 §4: one cache (src/store/cache.ts) with one change signal per engine (src/store/changes.ts).
 * An entry is answered from memory until a write could have changed it: on SQLite any write by this
 * process (seen in the driver, classified by its Kysely operation tree) or a commit by another
 * connection (`PRAGMA data_version`); on PostgreSQL this process's writes, and other instances'
 * after at most the cache's stated age.
 */
import { Database as RawSqlite } from 'bun:sqlite'
import { describe, expect, test } from 'bun:test'
import { Kysely, sql } from 'kysely'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCache } from '../../src/store/cache.ts'
import {
  CASCADES,
  changeSignalOf,
  classify,
  createChangeSignal,
  registerChangeSignal,
  TRIGGERS,
  tablesChangedBy,
} from '../../src/store/changes.ts'
import type { Database, Db } from '../../src/store/database.ts'
import { migrateToLatest } from '../../src/store/migrate.ts'
import { openStore } from '../../src/store/open.ts'
import { createTestDatabase, onPostgres } from '../helpers/database.ts'

async function withStore(run: (db: Db, path: string) => Promise<void>) {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-cache-'))
  const path = join(dir, 'c.db')
  const pg = onPostgres ? await createTestDatabase() : undefined
  const { db } = openStore({ db: path, databaseUrl: pg?.url, dbPoolSize: 2 })
  try {
    await migrateToLatest(db)
    await run(db, path)
  } finally {
    await db.destroy()
    await pg?.drop()
    rmSync(dir, { recursive: true, force: true })
  }
}

const scope = (name: string, description = name) => ({ name, description, implies: '', is_default: 0, created_at: 1 })

/** A cache of one scope's description, counting its database reads. */
function describedScopes(
  db: Db,
  options: { keyedRowsOnly?: boolean; postgresMaxAge?: number; now?: () => number } = {},
) {
  const cache = createCache<string, string>(db, { tables: ['scopes'], postgresMaxAge: 60, ...options })
  let reads = 0
  const get = (name: string) =>
    cache.get(name, async () => {
      reads++
      return (await db.selectFrom('scopes').select('description').where('name', '=', name).executeTakeFirst())
        ?.description
    })
  return { get, reads: () => reads }
}

describe('issue 15 §4: the cache', () => {
  test('a hit is answered from memory; a miss is never remembered', async () => {
    await withStore(async (db) => {
      await db.insertInto('scopes').values(scope('a')).execute()
      const c = describedScopes(db)
      expect(await c.get('a')).toBe('a')
      expect(await c.get('a')).toBe('a')
      expect(c.reads()).toBe(1)
      expect(await c.get('nope')).toBeUndefined()
      expect(await c.get('nope')).toBeUndefined()
      expect(c.reads()).toBe(3)
    })
  })

  test('a write by this process to a table the cache reads empties it; writes to other tables do not', async () => {
    await withStore(async (db) => {
      await db.insertInto('scopes').values(scope('a')).execute()
      const c = describedScopes(db)
      await c.get('a')
      await db
        .insertInto('rate_limits')
        .values({ key: 'k', window_start: 1, count: 1 } as never)
        .execute()
      await db.updateTable('users').set({ name: 'x' }).where('id', '=', 'none').execute()
      expect(await c.get('a')).toBe('a')
      expect(c.reads()).toBe(1)
      await db.updateTable('scopes').set({ description: 'changed' }).where('name', '=', 'a').execute()
      expect(await c.get('a')).toBe('changed')
      expect(c.reads()).toBe(2)
    })
  })

  test(
    'a plain INSERT empties a cache of ' +
      'lists, not one of rows found by key ' +
      '(issuing tokens keeps the token cache)',
    async () => {
      await withStore(async (db) => {
        await db.insertInto('scopes').values(scope('a')).execute()
        const lists = describedScopes(db)
        const rows = describedScopes(db, { keyedRowsOnly: true })
        await lists.get('a')
        await rows.get('a')
        await db.insertInto('scopes').values(scope('b')).execute()
        await lists.get('a')
        await rows.get('a')
        expect([lists.reads(), rows.reads()]).toEqual([2, 1])
        await db.deleteFrom('scopes').where('name', '=', 'b').execute()
        await rows.get('a')
        expect(rows.reads()).toBe(2)
      })
    },
  )

  test(
    'a write inside a transaction moves the signal when the transaction ends, and a read ' +
      'racing it is not remembered',
    async () => {
      await withStore(async (db) => {
        await db.insertInto('scopes').values(scope('a')).execute()
        const counter = changeSignalOf(db)!.counter('scopes')
        const before = counter.altered
        await db.transaction().execute(async (trx) => {
          await trx.updateTable('scopes').set({ description: 'in trx' }).where('name', '=', 'a').execute()
          expect(counter.altered).toBe(before)
        })
        expect(counter.altered).toBe(before + 1)

        const c = describedScopes(db)
        const racing = c.get('a')
        await db.updateTable('scopes').set({ description: 'after' }).where('name', '=', 'a').execute()
        await racing
        expect(await c.get('a')).toBe('after')
      })
    },
  )

  test(
    'deleting a user counts for the ' +
      'tables its rows cascade to (the ' +
      'token cache reads tokens joined to users)',
    async () => {
      await withStore(async (db) => {
        const signal = changeSignalOf(db)!
        const tokens = signal.counter('access_tokens').altered
        await db.updateTable('users').set({ name: 'x' }).execute()
        expect(signal.counter('access_tokens').altered).toBe(tokens)
        await db.deleteFrom('users').where('id', '=', 'none').execute()
        expect(signal.counter('access_tokens').altered).toBe(tokens + 1)
        expect(signal.counter('live_token_counts').altered).toBeGreaterThan(0)
      })
    },
  )

  test.skipIf(onPostgres)(
    'SQLite: a commit by another connection on the same file (the CLI) empties it at the next lookup',
    async () => {
      await withStore(async (db, path) => {
        await db.insertInto('scopes').values(scope('a')).execute()
        const c = describedScopes(db, { keyedRowsOnly: true })
        await c.get('a')
        await c.get('a')
        expect(c.reads()).toBe(1)
        const other = new RawSqlite(path)
        other.run(`update scopes set description = 'by the CLI' where name = 'a'`)
        other.close()
        expect(await c.get('a')).toBe('by the CLI')
      })
    },
  )

  test.skipIf(!onPostgres)('PostgreSQL: caches that may not be stale (postgresMaxAge 0) read every time', async () => {
    await withStore(async (db) => {
      await db.insertInto('scopes').values(scope('a')).execute()
      const c = describedScopes(db, { postgresMaxAge: 0 })
      await c.get('a')
      await c.get('a')
      expect(c.reads()).toBe(2)
    })
  })

  test.skipIf(!onPostgres)(
    'PostgreSQL: a second instance’s write is seen once the entry is older than postgresMaxAge',
    async () => {
      let now = 1000
      const database = await createTestDatabase()
      const first = openStore({ db: '', databaseUrl: database.url, dbPoolSize: 2 }).db
      const second = openStore({ db: '', databaseUrl: database.url, dbPoolSize: 2 }).db
      try {
        await migrateToLatest(first)
        await first.insertInto('scopes').values(scope('a', 'first')).execute()
        const c = describedScopes(first, { postgresMaxAge: 5, now: () => now })
        expect(await c.get('a')).toBe('first')
        await second.updateTable('scopes').set({ description: 'second' }).where('name', '=', 'a').execute()
        now += 4
        expect(await c.get('a')).toBe('first')
        now += 1
        expect(await c.get('a')).toBe('second')
      } finally {
        await first.destroy()
        await second.destroy()
        await database.drop()
      }
    },
  )

  test(
    'PostgreSQL: another instance’s write is seen once the entry is older than postgresMaxAge; ' +
      'this process’s at once',
    async () => {
      // Another instance's write cannot be signalled: a database whose signal is PostgreSQL's, and rows
      // changed behind it, show the bound without a server.
      let now = 1000
      let description = 'first'
      const db = {} as Db
      const signal = createChangeSignal('postgres')
      registerChangeSignal(db as Kysely<Database>, signal)
      const cache = createCache<string, string>(db, { tables: ['scopes'], postgresMaxAge: 5, now: () => now })
      const get = () => cache.get('a', async () => description)
      expect(await get()).toBe('first')
      description = 'second' // written by another instance
      now += 4
      expect(await get()).toBe('first')
      now += 1
      expect(await get()).toBe('second')
      description = 'third' // written by this process
      signal.record({ tables: ['scopes'], alters: true })
      expect(await get()).toBe('third')
    },
  )
})

describe('issue 15 §4: the change signal classifies writes by their Kysely operation tree', () => {
  // Only the operation tree matters here: a compiler that hands it back, and no driver.
  const compileQuery = (node: never) => ({ query: node, sql: '', parameters: [] })
  const none = () => ({}) as never
  const db = new Kysely<Database>({
    dialect: {
      createAdapter: none,
      createDriver: none,
      createIntrospector: none,
      createQueryCompiler: () => ({ compileQuery }) as never,
    },
  })
  const node = (q: { compile(): { query: unknown } }) => q.compile().query as never

  test('reads, inserts, upserts, updates, deletes and anything else', () => {
    expect(classify(node(db.selectFrom('access_tokens').selectAll()))).toBe('read')
    expect(classify(node(db.insertInto('access_tokens').values({} as never)))).toEqual({
      tables: ['access_tokens'],
      alters: false,
    })
    const upsert = db
      .insertInto('rate_limits')
      .values({} as never)
      .onConflict((oc) => oc.column('key').doUpdateSet({ count: 1 }))
    expect(classify(node(upsert))).toEqual({ tables: ['rate_limits'], alters: true })
    expect(
      classify(
        node(
          db
            .insertInto('rate_limits')
            .values({} as never)
            .onConflict((oc) => oc.doNothing()),
        ),
      ),
    ).toEqual({ tables: ['rate_limits'], alters: false })
    expect(classify(node(db.replaceInto('applications').values({} as never)))).toEqual({
      tables: ['applications'],
      alters: true,
    })
    expect(classify(node(db.updateTable('users as u').set({ name: 'x' })))).toEqual({ tables: ['users'], alters: true })
    expect(classify(node(db.deleteFrom('refresh_tokens')))).toEqual({
      tables: ['refresh_tokens'],
      alters: true,
      deletes: true,
    })
    const writingCte = db
      .with('gone', (d) => d.deleteFrom('users').returning('id'))
      .selectFrom('gone')
      .selectAll()
    expect(classify(node(writingCte))).toBe('unknown')
    const readingCte = db
      .with('live', (d) => d.selectFrom('users').select('id'))
      .selectFrom('live')
      .selectAll()
    expect(classify(node(readingCte))).toBe('read')
    expect(classify(sql`select 1`.compile(db).query)).toBe('unknown')
    expect(classify(node(db.schema.dropTable('access_tokens')))).toBe('unknown')
  })

  test.skipIf(onPostgres)(
    'every ON DELETE CASCADE / SET NULL and every trigger of the schema is in CASCADES / TRIGGERS',
    async () => {
      await withStore(async (_db, path) => {
        const raw = new RawSqlite(path, { readonly: true })
        try {
          const tables = raw
            .query<{ name: string }, []>(`select name from sqlite_master where type = 'table'`)
            .all()
            .map((t) => t.name)
          for (const table of tables) {
            const keys = raw.query<{ table: string; on_delete: string }, []>(`pragma foreign_key_list(${table})`).all()
            for (const fk of keys.filter((k) => k.on_delete !== 'NO ACTION' && k.on_delete !== 'RESTRICT')) {
              const known = tablesChangedBy(fk.table, true).includes(table)
              expect({ parent: fk.table, child: table, known }).toEqual({ parent: fk.table, child: table, known: true })
            }
          }
          const triggers = raw
            .query<{ tbl_name: string; sql: string }, []>(
              `select tbl_name, sql from sqlite_master where type = 'trigger'`,
            )
            .all()
          expect(triggers.length).toBeGreaterThan(0)
          for (const t of triggers) {
            const body = t.sql.toLowerCase().split(/\bbegin\b/)[1]!
            const written = [...body.matchAll(/(?:^|;)\s*(?:update|insert\s+into|delete\s+from)\s+"?(\w+)"?/g)].map(
              (m) => m[1]!,
            )
            for (const w of written) {
              const known = (TRIGGERS[t.tbl_name as never] as string[] | undefined)?.includes(w) ?? false
              expect({ trigger: t.tbl_name, writes: w, known }).toEqual({ trigger: t.tbl_name, writes: w, known: true })
            }
          }
          expect(Object.keys(CASCADES).sort()).toEqual(['applications', 'groups', 'users'])
        } finally {
          raw.close()
        }
      })
    },
  )
})
