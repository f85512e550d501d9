/**
 * issue 14 §3 "fix the class": every GraphQL mutation has its CLI twin, so the scope and key
 * operations GraphQL had alone (updateScope, signingKeys, rotateSigningKey) are CLI commands too,
 * and the preset import the CLI had alone is a GraphQL mutation. test/graphql/parity.test.ts holds
 * the tables together; these tests check that each new twin really does the same thing.
 */
import { describe, expect, test } from 'bun:test'
import { startCliServer } from '../helpers/cli.ts'
import { startServer } from '../helpers/server.ts'
import { ok, seedAdminWorld } from '../graphql/support.ts'

describe('issue 14 §3: latchkey scope update (twin of updateScope)', () => {
  test('changes only what is given; --implies replaces the list; --no-default clears the default', async () => {
    await using lk = await startCliServer()
    expect((await lk.run(['scope', 'create', '--name', 'read:wiki', '--description', 'Read the wiki'])).code).toBe(0)
    expect(
      (
        await lk.run([
          'scope',
          'create',
          '--name',
          'wiki',
          '--description',
          'The wiki',
          '--implies',
          'read:wiki',
          '--default',
        ])
      ).code,
    ).toBe(0)

    const renamed = await lk.run(['scope', 'update', 'wiki', '--description', 'All of the wiki', '--json'])
    expect(renamed.code).toBe(0)
    expect(renamed.json()).toEqual({
      name: 'wiki',
      description: 'All of the wiki',
      implies: ['read:wiki'],
      default: true,
      self_registration: false,
    })

    const cleared = await lk.run(['scope', 'update', 'wiki', '--implies', '', '--no-default', '--json'])
    expect(cleared.json()).toEqual({
      name: 'wiki',
      description: 'All of the wiki',
      implies: [],
      default: false,
      self_registration: false,
    })
    const listed = (await lk.run(['scope', 'list', '--json'])).json<{ name: string; implies: string[] }[]>()
    expect(listed.find((s) => s.name === 'wiki')).toMatchObject({ implies: [] })
  })

  test('refuses nothing-to-change, contradictions and unknown scopes, and names the flag', async () => {
    await using lk = await startCliServer()
    const nothing = await lk.run(['scope', 'update', 'openid'])
    expect(nothing.code).toBe(2)
    expect(nothing.stderr).toContain('nothing to change')
    expect((await lk.run(['scope', 'update', 'openid', '--default', '--no-default'])).stderr).toContain('contradict')
    const missing = await lk.run(['scope', 'update', 'no-such-scope', '--description', 'x'])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('no-such-scope')
  })
})

describe('issue 14 §3: latchkey key list / key rotate (twins of signingKeys / rotateSigningKey)', () => {
  test(
    'rotate makes a new active key and retires the old one, which stays published; no private ' + 'part is printed',
    async () => {
      await using lk = await startCliServer()
      const before = (await lk.run(['key', 'list', '--json'])).json<{ kid: string; alg: string; status: string }[]>()
      const oldRs = before.find((k) => k.alg === 'RS256' && k.status === 'active')!
      expect(oldRs).toBeDefined()

      const rotated = await lk.run(['key', 'rotate', '--alg', 'RS256', '--json'])
      expect(rotated.code).toBe(0)
      const [fresh, replaced] = rotated.json<{ kid: string; status: string }[]>()
      expect(fresh!.status).toBe('active')
      expect(fresh!.kid).not.toBe(oldRs.kid)
      expect(replaced).toMatchObject({ kid: oldRs.kid, status: 'retired' })
      expect(rotated.stdout).not.toMatch(/"(d|p|q|dp|dq|qi)"\s*:/)

      const jwks = (await (await fetch(`${lk.url}/oauth/discovery/keys`)).json()) as { keys: { kid: string }[] }
      expect(jwks.keys.map((k) => k.kid)).toContain(oldRs.kid)
    },
  )

  test('an unknown algorithm is a usage error before the database is opened', async () => {
    const { cli } = await import('../helpers/cli.ts')
    const r = await cli(['key', 'rotate', '--alg', 'HS256'])
    expect(r.code).toBe(2)
    expect(r.stderr).toBe('latchkey: --alg must be one of RS256, ES256\n')
  })
})

describe('issue 14 §3 + §4: importScopePreset (twin of latchkey scope import)', () => {
  const IMPORT = `mutation($preset: ScopePreset!, $force: Boolean) {
    importScopePreset(input: { preset: $preset, force: $force }) {
      __typename
      ... on Error { message field }
      ... on ImportScopePresetPayload { created skipped widened { name added } }
    }
  }`

  test(
    'gitlab over the built-in api: a ConflictError on force that lists the change, nothing ' +
      'written; with force it applies',
    async () => {
      await using server = await startServer()
      const w = await seedAdminWorld(server.provider.services)
      const refused = (await ok(server, w.tokens.admin, IMPORT, { preset: 'GITLAB' })).importScopePreset
      expect(refused).toMatchObject({ __typename: 'ConflictError', field: 'force' })
      expect(refused.message).toContain('api would also imply read_api write_repository write_registry')
      expect(await server.provider.services.scopes.find('read_api')).toBeUndefined()

      const applied = (await ok(server, w.tokens.admin, IMPORT, { preset: 'GITLAB', force: true })).importScopePreset
      expect(applied.__typename).toBe('ImportScopePresetPayload')
      expect(applied.widened).toEqual([{ name: 'api', added: ['read_api', 'write_repository', 'write_registry'] }])
      expect((await server.provider.services.scopes.find('api'))!.implies).toEqual(
        expect.arrayContaining(['read_api', 'write_repository', 'write_registry']),
      )
    },
  )

  test('the preset enum offers exactly the CLI presets; a read-only administrator may not import', async () => {
    await using server = await startServer()
    const w = await seedAdminWorld(server.provider.services)
    const created = (await ok(server, w.tokens.admin, IMPORT, { preset: 'GITEA_LEGACY' })).importScopePreset
    expect(created.created).toEqual(expect.arrayContaining(['repo', 'admin:org', 'read:org']))
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${w.tokens.adminRead}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ query: IMPORT, variables: { preset: 'FORGEJO' } }),
    })
    const body = (await res.json()) as { data?: { importScopePreset?: { __typename: string } }; errors?: unknown[] }
    expect(body.data?.importScopePreset?.__typename ?? 'refused').not.toBe('ImportScopePresetPayload')
    expect(await server.provider.services.scopes.find('write:repository')).toBeUndefined()
  })
})
