/**
 * The hot-path shortcuts (bench/README.md, "What was made fast") keep the rules they shortcut:
 * the cached client lookup forgets a client the moment it changes, the joined token lookup still
 * refuses tokens of disabled users, and the statement cache stays bounded.
 */
import { Database } from 'bun:sqlite'
import { describe, expect, test } from 'bun:test'
import { sql } from 'kysely'
import { withStatementCache } from '../../src/store/dialects/statement-cache.ts'
import { onPostgres } from '../helpers/database.ts'
import { postForm } from '../helpers/oauth.ts'
import { startServer, testClock } from '../helpers/server.ts'

async function withApp() {
  const clock = testClock()
  const server = await startServer({ clock })
  const { services } = server.provider
  const { application, clientSecret } = await services.applications.create({
    name: 'cached',
    grantTypes: ['client_credentials'],
    scopes: ['read_user'],
  })
  return { server, services, clock, clientId: application.clientId, secret: clientSecret!, id: application.id }
}

describe('client authentication cache', () => {
  test('RFC 6749 §2.3.1: after a secret rotation the old secret fails at once and the new one works', async () => {
    const { server, services, clientId, secret } = await withApp()
    await using _ = server
    expect(await services.applications.authenticate(clientId, secret)).toBeDefined() // now cached
    const rotated = await services.applications.rotateSecret(clientId)
    expect(await services.applications.authenticate(clientId, secret)).toBeUndefined()
    expect(await services.applications.authenticate(clientId, rotated.clientSecret!)).toBeDefined()
  })

  test('a deleted application stops authenticating at once', async () => {
    const { server, services, clientId, secret } = await withApp()
    await using _ = server
    expect(await services.applications.authenticate(clientId, secret)).toBeDefined()
    await services.applications.delete(clientId)
    expect(await services.applications.authenticate(clientId, secret)).toBeUndefined()
  })

  test('an admin update (allowed scopes) is seen by the next authentication', async () => {
    const { server, services, clientId, secret, id } = await withApp()
    await using _ = server
    expect((await services.applications.authenticate(clientId, secret))!.scopes).toEqual(['read_user'])
    const admin = await services.users.create({ username: 'root', password: 'long enough password', isAdmin: true })
    const pat = await services.tokens.issuePersonal(admin.id, ['admin'], null)
    const actor = await services.admin.access.actorForToken(pat.token)
    if (!actor.ok) throw new Error('no admin actor')
    await services.admin.applications.update(actor.actor, id, { scopes: ['openid', 'read_user'] })
    expect((await services.applications.authenticate(clientId, secret))!.scopes).toEqual(['openid', 'read_user'])
  })

  // PostgreSQL has no data_version: there clients are not cached (store/cache.ts).
  test.skipIf(onPostgres)(
    'a rotation or deletion by another process on the same SQLite file (the CLI) is seen by the next request',
    async () => {
      const { server, services, clientId, secret, clock } = await withApp()
      await using _ = server
      const token = (s: string) =>
        postForm(
          server.url,
          '/oauth/token',
          { clientId, secret: s, redirectUri: '' },
          { grant_type: 'client_credentials' },
        ).then((r) => r.status)
      expect(await token(secret)).toBe(200) // now cached
      // Another process: a second provider on the same database file, with its own caches.
      const { openProvider } = await import('../../src/provider.ts')
      await using other = await openProvider(server.config, { clock, logger: { log() {} } })
      const rotated = await other.services.applications.rotateSecret(clientId)
      expect(await token(secret)).toBe(401)
      expect(await token(rotated.clientSecret!)).toBe(200)
      await other.services.applications.delete(clientId)
      expect(await token(rotated.clientSecret!)).toBe(401)
      expect(await services.applications.authenticate(clientId, rotated.clientSecret!)).toBeUndefined()
    },
  )
})

describe('introspection through one joined query', () => {
  test("a token of a disabled user is inactive; an enabled user's token carries username and client_id", async () => {
    const { server, services, id } = await withApp()
    await using _ = server
    const user = await services.users.create({ username: 'carol', password: 'long enough password' })
    const application = (await services.applications.findById(id))!
    const { accessToken } = await services.tokens.issue({
      application,
      userId: user.id,
      scopes: ['read_user'],
      withRefresh: false,
      authTime: null,
    })
    expect(await services.tokens.findActive(accessToken)).toMatchObject({
      username: 'carol',
      clientId: application.clientId,
      userId: user.id,
    })
    await services.users.disable('carol')
    expect(await services.tokens.findActive(accessToken)).toBeUndefined()
  })
})

describe('prepared statement cache', () => {
  test('reuses a statement for the same SQL and finalizes the least recently used past its bound', () => {
    const raw = new Database(':memory:')
    const cache = withStatementCache(raw, 2)
    const a = cache.prepare('select 1')
    expect(cache.prepare('select 1')).toBe(a)
    cache.prepare('select 2')
    cache.prepare('select 1') // most recently used again
    cache.prepare('select 3') // evicts "select 2"
    expect(cache.prepare('select 1')).toBe(a)
    expect(a.all()).toEqual([{ 1: 1 }])
    cache.close()
  })
})

describe('scope expansion memo', () => {
  test(
    'RFC 6749 §3.3: a caller changing a returned list cannot change the next answer, and an ' +
      'edited implies is seen at once',
    async () => {
      const { server, services } = await withApp()
      await using _ = server
      await services.scopes.create({ name: 'write:org', description: 'Write org', implies: [] })
      await services.scopes.create({ name: 'admin:org', description: 'Admin org', implies: ['write:org'] })
      const first = await services.scopes.expand(['admin:org'])
      expect(first).toEqual(['admin:org', 'write:org'])
      first.push('admin')
      expect(await services.scopes.expand(['admin:org'])).toEqual(['admin:org', 'write:org'])
      await services.scopes.create({ name: 'read:org', description: 'Read org', implies: [] })
      await services.scopes.update('write:org', { implies: ['read:org'] })
      expect(await services.scopes.expand(['admin:org'])).toEqual(['admin:org', 'write:org', 'read:org'])
    },
  )
})

describe('change signal (PRAGMA data_version)', () => {
  test('each call reads afresh and synchronously: it follows another connection’s commit, not our own', async () => {
    const { openSqlite } = await import('../../src/store/dialects/sqlite.ts')
    const { changeSignalOf } = await import('../../src/store/changes.ts')
    const { mkdtempSync } = await import('node:fs')
    const { tmpdir } = await import('node:os')
    const { join } = await import('node:path')
    const path = join(mkdtempSync(join(tmpdir(), 'latchkey-stamp-')), 's.db')
    const { db } = openSqlite(path)
    try {
      const stamp = () => changeSignalOf(db)!.external()
      await sql`create table t (v integer)`.execute(db)
      const first = stamp()
      expect(typeof first).toBe('number')
      await sql`insert into t values (1)`.execute(db)
      expect(stamp()).toBe(first) // our own commit
      const other = new Database(path)
      other.run('insert into t values (2)')
      other.close()
      expect(stamp()).not.toBe(first) // seen at once, in the same turn
    } finally {
      await db.destroy()
    }
  })
})
