/**
 * Issue 16 through the admin API: importApplicationPreset (the twin of `latchkey app import`) is for
 * administrators; createApplication's chosen clientId too, since anyone else could take a helper's
 * well-known id; defaultScopes reads and writes under one name.
 */
import { describe, expect, test } from 'bun:test'
import { startServer } from '../helpers/server.ts'
import { gql, ok, REDIRECT, seedAdminWorld } from './support.ts'

const E = '__typename ... on Error { message field }'
const IMPORT = `mutation { importApplicationPreset(input: {preset: GIT_HELPERS}) { ${E}
  ... on ImportApplicationPresetPayload { created { clientId defaultScopes } unchanged { clientId } reset { clientId }
  kept { differences } } } }`

describe('issue 16: importApplicationPreset', () => {
  test('an administrator imports the git helpers once; the second time nothing changes', async () => {
    await using server = await startServer()
    const w = await seedAdminWorld(server.provider.services)
    await server.provider.services.scopes.importPreset('gitea')
    const first = (await ok(server, w.tokens.admin, IMPORT)).importApplicationPreset
    expect(first.created.map((a: { clientId: string }) => a.clientId).sort()).toEqual([
      'a4792ccc-144e-407e-86c9-5e7d8d9c3269',
      'e90ee53c-94e2-48ac-9358-a874fb9e0662',
    ])
    expect(first.created[0].defaultScopes).toEqual(['write:repository'])
    const second = (await ok(server, w.tokens.admin, IMPORT)).importApplicationPreset
    expect(second).toMatchObject({ created: [], reset: [], kept: [] })
    expect(second.unchanged).toHaveLength(2)
  })

  test('without repository scopes installed: an InvalidInputError on preset, nothing created', async () => {
    await using server = await startServer()
    const w = await seedAdminWorld(server.provider.services)
    const r = (await ok(server, w.tokens.admin, IMPORT)).importApplicationPreset
    expect(r.field).toBe('preset')
    expect(r.message).toContain('scope import')
  })

  test('a user who is not an administrator is refused', async () => {
    await using server = await startServer()
    const w = await seedAdminWorld(server.provider.services)
    await server.provider.services.scopes.importPreset('gitea')
    const r = await gql(server, w.tokens.alice, IMPORT)
    expect(r.body.data?.importApplicationPreset).toMatchObject({ __typename: 'ForbiddenError' })
    expect(await server.provider.services.applications.findByClientId('a4792ccc-144e-407e-86c9-5e7d8d9c3269')).toBe(
      undefined,
    )
  })
})

describe('issue 16: createApplication with a chosen clientId and defaultScopes', () => {
  const create = (clientId: string) =>
    `mutation { createApplication(input: {name: "Tea", clientId: "${clientId}", redirectUris: ["${REDIRECT}"],
      allowedScopes: ["openid", "read_user"], defaultScopes: ["read_user"]}) { ${E}
      ... on ApplicationWithSecret { application { clientId defaultScopes } } } }`

  test('administrators only; taken → ConflictError on clientId; bad characters → on clientId too', async () => {
    await using server = await startServer()
    const w = await seedAdminWorld(server.provider.services)
    const byAlice = (await ok(server, w.tokens.alice, create('alices-pick'))).createApplication
    expect(byAlice).toMatchObject({ __typename: 'ForbiddenError', field: 'clientId' })
    const made = (await ok(server, w.tokens.admin, create('tea-cli'))).createApplication
    expect(made.application).toEqual({ clientId: 'tea-cli', defaultScopes: ['read_user'] })
    expect((await ok(server, w.tokens.admin, create('tea-cli'))).createApplication).toMatchObject({
      __typename: 'ConflictError',
      field: 'clientId',
    })
    expect((await ok(server, w.tokens.admin, create('tea cli'))).createApplication).toMatchObject({
      field: 'clientId',
    })
  })
})
