/**
 * Issue 16: a chosen client id is unique even when two registrations race for it (on PostgreSQL both
 * can pass the first check; the unique index decides): one application, and the other caller gets a
 * Conflict naming clientId, never a 500. The preset's import racing itself ends the same way.
 */
import { describe, expect, test } from 'bun:test'
import { startServer } from '../helpers/server.ts'

describe('issue 16: racing for one chosen client id', () => {
  test('8 concurrent creates with one client id: one application, seven Conflicts on clientId', async () => {
    await using server = await startServer()
    const apps = server.provider.services.applications
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        apps.create({ name: `Tea ${i}`, clientId: 'tea-cli', isPublic: true, redirectUris: ['http://127.0.0.1'] }),
      ),
    )
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    for (const r of results.filter((r) => r.status === 'rejected'))
      expect((r as PromiseRejectedResult).reason).toMatchObject({ kind: 'conflict', field: 'clientId' })
    expect((await apps.list()).filter((a) => a.clientId === 'tea-cli')).toHaveLength(1)
  })

  test('the git-helpers import run twice at once leaves exactly the two helpers', async () => {
    await using server = await startServer()
    const { applications, scopes } = server.provider.services
    await scopes.importPreset('gitea')
    const runs = await Promise.allSettled([
      applications.importPreset('git-helpers'),
      applications.importPreset('git-helpers'),
    ])
    expect(runs.some((r) => r.status === 'fulfilled')).toBe(true)
    for (const r of runs.filter((r) => r.status === 'rejected'))
      expect((r as PromiseRejectedResult).reason).toMatchObject({ kind: 'conflict' })
    expect((await applications.list()).map((a) => a.name).sort()).toEqual([
      'Git Credential Manager',
      'git-credential-oauth',
    ])
  })
})
