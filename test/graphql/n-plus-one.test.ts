/**
 * Issue 4 "No N+1": a page of applications with owners and token/grant counts, or of grants with
 * their users and applications, costs the same number of queries for 10 rows as for 50. Queries
 * are counted with the store's own hook (Kysely's log), on a provider assembled from its parts and
 * reached in-process (test/helpers/in-process.ts).
 */
import { describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { systemClock } from '../../src/clock.ts'
import { loadConfig } from '../../src/config.ts'
import { createApp } from '../../src/http/server.ts'
import { createServices } from '../../src/services/index.ts'
import { openSqlite } from '../../src/store/dialects/sqlite.ts'
import { migrateToLatest } from '../../src/store/migrate.ts'
import { mount, unusedPort } from '../helpers/in-process.ts'
import { ok, REDIRECT, seedAdminWorld } from './support.ts'

async function countingServer() {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-n1-'))
  const config = loadConfig({
    flags: { db: join(dir, 'n1.db'), port: unusedPort(), host: '127.0.0.1', 'log-level': 'silent' },
    env: {},
  })
  let queries = 0
  const { db } = openSqlite(config.db, { onQuery: () => void queries++ })
  await migrateToLatest(db)
  const services = createServices({ db, config, clock: systemClock })
  await services.signingKeys.ensure()
  const url = `http://127.0.0.1:${config.port}`
  const unmount = mount(url, createApp(services, config, systemClock, { log: () => {} }))
  return {
    url,
    services,
    /** Queries run while `fn` runs. */
    async count(fn: () => Promise<unknown>): Promise<number> {
      const before = queries
      await fn()
      return queries - before
    },
    async [Symbol.asyncDispose]() {
      await unmount()
      await db.destroy()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

const APPS_PAGE = `query($n: Int) { applications(first: $n) { edges { node { name owner { username }
  activeTokenCount activeGrantCount } } } }`
const GRANTS_PAGE = `query($n: Int) { grants(first: $n) { edges { node { scopes user { username } application {
  name owner { username } } } } } }`

describe('issue 4: no N+1', () => {
  test(
    'a page of 10 or 50 applications with owners and token and grant counts takes the same ' + 'number of queries',
    async () => {
      await using s = await countingServer()
      const w = await seedAdminWorld(s.services)
      for (let i = 0; i < 50; i++) {
        const { application } = await s.services.applications.create({
          name: `app ${i}`,
          redirectUris: [REDIRECT],
          ownerId: i % 2 ? w.alice.id : w.bob.id,
        })
        await s.services.grants.approve(w.alice.id, application.id, ['openid'], null)
        await s.services.tokens.issue({
          application,
          userId: w.alice.id,
          scopes: ['openid'],
          withRefresh: true,
          authTime: null,
        })
      }
      await ok(s, w.tokens.admin, APPS_PAGE, { n: 1 }) // warm the scope cache
      const ten = await s.count(() => ok(s, w.tokens.admin, APPS_PAGE, { n: 10 }))
      const fifty = await s.count(() => ok(s, w.tokens.admin, APPS_PAGE, { n: 50 }))
      const page = await ok(s, w.tokens.admin, APPS_PAGE, { n: 50 })
      expect(
        page.applications.edges.filter((e: any) => e.node.activeTokenCount === 2 && e.node.activeGrantCount === 1),
      ).toHaveLength(48)
      console.log(`applications page: ${ten} queries for 10, ${fifty} for 50`)
      expect(fifty).toBe(ten)
      expect(ten).toBeLessThanOrEqual(10)

      const grantsTen = await s.count(() => ok(s, w.tokens.admin, GRANTS_PAGE, { n: 10 }))
      const grantsFifty = await s.count(() => ok(s, w.tokens.admin, GRANTS_PAGE, { n: 50 }))
      console.log(`grants page: ${grantsTen} queries for 10, ${grantsFifty} for 50`)
      expect(grantsFifty).toBe(grantsTen)
    },
  )
})
