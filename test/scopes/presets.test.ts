/**
 * Scope presets (issue 14 §4): the vocabularies of today's Gitea and Forgejo next to the pre-1.20
 * one of the Gitea seed, and an import never widens an existing scope unless told to with force.
 */
import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { PRESETS } from '../../src/services/scopes/presets.ts'
import { PresetWouldWiden } from '../../src/services/scopes/scopes.ts'
import { cli } from '../helpers/cli.ts'
import { onPostgres } from '../helpers/database.ts'
import { startServer, type TestServer } from '../helpers/server.ts'

let server: TestServer
beforeEach(async () => {
  server = await startServer()
})
afterEach(() => server[Symbol.asyncDispose]())

const scopes = () => server.provider.services.scopes
const GITEA_CATEGORIES = [
  'activitypub',
  'admin',
  'issue',
  'misc',
  'notification',
  'organization',
  'package',
  'repository',
  'user',
]

describe('issue 14 §4: Gitea 1.20+/Forgejo and pre-1.20 Gitea are two presets', () => {
  test('gitea is read:/write: × the nine categories of Gitea 1.20+, write implying read', async () => {
    const result = await scopes().importPreset('gitea')
    expect(result.created.sort()).toEqual(GITEA_CATEGORIES.flatMap((c) => [`read:${c}`, `write:${c}`]).sort())
    expect(result.widened).toEqual([])
    expect(await scopes().expand(['write:repository'])).toEqual(['write:repository', 'read:repository'])
    expect(await scopes().expand(['read:issue'])).toEqual(['read:issue'])
    expect(await scopes().find('repo')).toBeUndefined()
  })

  test('forgejo is the same vocabulary as gitea', () => {
    expect(PRESETS.forgejo).toEqual(PRESETS.gitea)
  })

  test('gitea-legacy keeps the Gitea seed vocabulary (admin:org ⊃ write:org ⊃ read:org, repo …)', async () => {
    await scopes().importPreset('gitea-legacy')
    expect(await scopes().expand(['admin:org'])).toEqual(['admin:org', 'write:org', 'read:org'])
    expect(await scopes().find('repo')).toMatchObject({ implies: ['repo:status', 'public_repo', 'admin:repo_hook'] })
  })

  test('both Gitea vocabularies can live side by side without force', async () => {
    await scopes().importPreset('gitea-legacy')
    const current = await scopes().importPreset('gitea')
    expect(current.widened).toEqual([])
    expect(current.skipped.sort()).toEqual(['read:package', 'read:user', 'write:package'])
  })
})

describe('issue 14 §4: a preset that would widen an existing scope needs force, else changes nothing', () => {
  test('gitlab over the built-in api: refused, naming the change; nothing is created', async () => {
    const before = await scopes().all()
    const refused = await scopes()
      .importPreset('gitlab')
      .catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(PresetWouldWiden)
    expect((refused as PresetWouldWiden).widened).toEqual([
      {
        name: 'api',
        implies: ['read_user', 'read_api', 'write_repository', 'write_registry'],
        added: ['read_api', 'write_repository', 'write_registry'],
      },
    ])
    expect((refused as Error).message).toContain('api would also imply read_api write_repository write_registry')
    expect(await scopes().all()).toEqual(before)
    expect(await scopes().find('read_api')).toBeUndefined()
  })

  test('gitlab with force: api now implies read_api, write_repository and write_registry', async () => {
    const result = await scopes().importPreset('gitlab', { force: true })
    expect(result.widened.map((w) => w.name)).toEqual(['api'])
    expect(result.created).toContain('read_api')
    expect(await scopes().expand(['api'])).toEqual([
      'api',
      'read_user',
      'read_api',
      'read_repository',
      'read_registry',
      'write_repository',
      'write_registry',
    ])
    const again = await scopes().importPreset('gitlab')
    expect(again).toMatchObject({ created: [], widened: [] })
  })

  test(
    "an operator's own scope named like a preset scope is not widened silently, and nothing " + 'else is imported',
    async () => {
      await scopes().create({ name: 'repo', description: 'Our own repo scope' })
      const refused = await scopes()
        .importPreset('gitea-legacy')
        .catch((e: unknown) => e)
      expect((refused as PresetWouldWiden).widened.map((w) => w.name)).toEqual(['repo'])
      expect(await scopes().find('admin:org')).toBeUndefined()
      await scopes().importPreset('gitea-legacy', { force: true })
      expect(await scopes().find('repo')).toMatchObject({
        description: 'Our own repo scope',
        implies: ['repo:status', 'public_repo', 'admin:repo_hook'],
      })
    },
  )

  test('a widening that would make a scope imply itself is refused even with force', async () => {
    await scopes().create({ name: 'read_registry', description: 'Pull images, and all of the API', implies: ['api'] })
    await expect(scopes().importPreset('gitlab', { force: true })).rejects.toThrow('imply itself')
    expect(await scopes().find('read_api')).toBeUndefined()
  })
})

describe('issue 14 §4: latchkey scope import', () => {
  /** Runs `latchkey scope …` in-process against the test server's database; stdout and stderr as text. */
  async function run(...argv: string[]) {
    const db = onPostgres ? ['--database-url', server.config.databaseUrl!] : ['--db', server.config.db]
    return cli(['scope', ...argv, ...db])
  }

  test(
    'without --force the gitlab preset lists the change to api, exits 1 and imports nothing; ' +
      'with --force it applies',
    async () => {
      const refused = await run('import', '--preset', 'gitlab')
      expect(refused.code).toBe(1)
      expect(refused.stderr).toContain('api would also imply read_api write_repository write_registry')
      expect(refused.stderr).toContain('--force')
      const names = async () => JSON.parse((await run('list', '--json')).stdout).map((s: { name: string }) => s.name)
      expect(await names()).not.toContain('read_api')
      const forced = await run('import', '--preset', 'gitlab', '--force', '--json')
      expect(forced.code).toBe(0)
      expect(JSON.parse(forced.stdout).widened).toEqual([
        {
          name: 'api',
          implies: ['read_user', 'read_api', 'write_repository', 'write_registry'],
          added: ['read_api', 'write_repository', 'write_registry'],
        },
      ])
      expect(await names()).toContain('read_api')
    },
  )

  test('--help names every preset and the Gitea version each one is for', async () => {
    const help = (await run('--help')).stdout
    expect(help).toMatch(/gitea +Gitea 1\.20 and later/)
    expect(help).toMatch(/forgejo +Forgejo/)
    expect(help).toMatch(/gitea-legacy +Gitea before 1\.20/)
    expect(help).toContain('--force')
  })
})
