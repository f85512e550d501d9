/**
 * Group commit (src/store/group-commit.ts) keeps each request's write all-or-nothing and durable
 * before its answer, while concurrent requests share one SQLite transaction.
 */
import { Database as RawSqlite } from 'bun:sqlite'
import { describe, expect, test } from 'bun:test'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import type { Db } from '../../src/store/database.ts'
import { openSqlite } from '../../src/store/dialects/sqlite.ts'
import { createGroupCommit } from '../../src/store/group-commit.ts'
import { startServer } from '../helpers/server.ts'
import { postForm } from '../helpers/oauth.ts'

function scratchDb() {
  const path = join(mkdtempSync(join(tmpdir(), 'latchkey-group-')), 'g.db')
  const { db, raw } = openSqlite(path)
  return { db, raw, path, [Symbol.asyncDispose]: async () => db.destroy() }
}

/** Counts the transactions a database opens, by wrapping `transaction()`. */
function countingTransactions(db: Db): { db: Db; count: () => number } {
  let n = 0
  const original = db.transaction.bind(db)
  db.transaction = (() => {
    n++
    return original()
  }) as Db['transaction']
  return { db, count: () => n }
}

const insert = (trx: Db, v: string) => sql`insert into t (v) values (${v})`.execute(trx)

describe('group commit on SQLite', () => {
  test('concurrent units share one transaction and each gets its own result', async () => {
    await using s = scratchDb()
    await sql`create table t (id integer primary key, v text not null unique)`.execute(s.db)
    const counted = countingTransactions(s.db)
    const group = createGroupCommit(counted.db)
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        group.run(async (trx) => {
          await insert(trx, `v${i}`)
          return i
        }),
      ),
    )
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i))
    expect(counted.count()).toBe(1)
    expect(s.raw.query('select count(*) as n from t').get()).toEqual({ n: 20 })
  })

  test('a batch never holds more units than its limit', async () => {
    await using s = scratchDb()
    await sql`create table t (id integer primary key, v text not null unique)`.execute(s.db)
    const counted = countingTransactions(s.db)
    const group = createGroupCommit(counted.db, 8)
    await Promise.all(Array.from({ length: 20 }, (_, i) => group.run((trx) => insert(trx, `v${i}`))))
    expect(counted.count()).toBe(3) // 8 + 8 + 4
    expect(s.raw.query('select count(*) as n from t').get()).toEqual({ n: 20 })
  })

  test('a failing unit rejects alone: its neighbours commit, its own writes do not', async () => {
    await using s = scratchDb()
    await sql`create table t (id integer primary key, v text not null unique)`.execute(s.db)
    const group = createGroupCommit(s.db)
    const outcomes = await Promise.allSettled([
      group.run((trx) => insert(trx, 'a')),
      group.run(async (trx) => {
        await insert(trx, 'half-written')
        await insert(trx, 'a') // unique violation: the whole unit must vanish
      }),
      group.run((trx) => insert(trx, 'b')),
    ])
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect(s.raw.query('select v from t order by v').all()).toEqual([{ v: 'a' }, { v: 'b' }])
  })

  test('issue 14 §6: a locked database fails the whole batch at once, without running each unit again', async () => {
    await using s = scratchDb()
    await sql`create table t (id integer primary key, v text not null unique)`.execute(s.db)
    await sql`PRAGMA busy_timeout = 50`.execute(s.db)
    const group = createGroupCommit(s.db)
    const holder = new RawSqlite(s.path)
    holder.exec('BEGIN EXCLUSIVE')
    try {
      let runs = 0
      const outcomes = await Promise.allSettled(
        Array.from({ length: 5 }, (_, i) =>
          group.run((trx) => {
            runs++
            return insert(trx, `v${i}`)
          }),
        ),
      )
      expect(outcomes.map((o) => (o.status === 'rejected' ? (o.reason as { code?: string }).code : o.status))).toEqual(
        Array(5).fill('SQLITE_BUSY'),
      )
      // The first unit met the lock; no unit was retried alone behind it.
      expect(runs).toBe(1)
    } finally {
      holder.exec('ROLLBACK')
      holder.close()
    }
    await group.run((trx) => insert(trx, 'after'))
    expect(s.raw.query('select v from t').all()).toEqual([{ v: 'after' }])
  })

  test('a unit resolves only after its commit: another connection already sees the row', async () => {
    await using s = scratchDb()
    await sql`create table t (id integer primary key, v text not null unique)`.execute(s.db)
    const group = createGroupCommit(s.db)
    const other = new RawSqlite(s.path, { readonly: true })
    try {
      await Promise.all(['x', 'y'].map((v) => group.run((trx) => insert(trx, v))))
      expect(other.query('select count(*) as n from t').get()).toEqual({ n: 2 })
    } finally {
      other.close()
    }
  })
})

describe('group commit behind the token endpoint', () => {
  test('RFC 6749 §4.4: 100 simultaneous client_credentials requests each get a distinct, active token', async () => {
    await using server = await startServer()
    const { services } = server.provider
    const { application, clientSecret } = await services.applications.create({
      name: 'burst',
      grantTypes: ['client_credentials'],
      scopes: ['read_user'],
    })
    const client = { clientId: application.clientId, secret: clientSecret!, redirectUri: '' }
    const responses = await Promise.all(
      Array.from({ length: 100 }, () =>
        postForm(server.url, '/oauth/token', client, { grant_type: 'client_credentials', scope: 'read_user' }),
      ),
    )
    expect(responses.map((r) => r.status)).toEqual(Array(100).fill(200))
    const tokens = await Promise.all(
      responses.map(async (r) => ((await r.json()) as { access_token: string }).access_token),
    )
    expect(new Set(tokens).size).toBe(100)
    for (const token of tokens) expect((await services.tokens.findActive(token))?.applicationId).toBe(application.id)
  })
})
