/**
 * The engine the suite runs on. With LATCHKEY_TEST_DATABASE_URL=postgres://… (a role that may
 * CREATE DATABASE), every server a test starts gets a fresh PostgreSQL database, dropped when the
 * server is disposed; without it, a throw-away SQLite file as before.
 */
import pg from 'pg'

export const TEST_DATABASE_URL = process.env.LATCHKEY_TEST_DATABASE_URL || undefined
export const onPostgres = TEST_DATABASE_URL !== undefined
/** For `describe.skipIf(onPostgres)` / `test.skipIf(onPostgres)` on tests that read the SQLite file itself. */
export const ENGINE: 'sqlite' | 'postgres' = onPostgres ? 'postgres' : 'sqlite'

export interface TestDatabase extends AsyncDisposable {
  url: string
  name: string
  drop(): Promise<void>
}

/** Runs one statement on the maintenance connection (LATCHKEY_TEST_DATABASE_URL's own database). */
async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}

/** A new, empty PostgreSQL database; `drop()` (or `await using`) removes it, closing its connections. */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (!TEST_DATABASE_URL) throw new Error('LATCHKEY_TEST_DATABASE_URL is not set')
  const name = `latchkey_t_${process.pid}_${crypto.randomUUID().replaceAll('-', '').slice(0, 12)}`
  await admin(`create database ${name}`)
  const url = new URL(TEST_DATABASE_URL)
  url.pathname = `/${name}`
  let dropped = false
  const drop = async () => {
    if (dropped) return
    dropped = true
    await admin(`drop database if exists ${name} with (force)`)
  }
  return { url: url.toString(), name, drop, [Symbol.asyncDispose]: drop }
}
