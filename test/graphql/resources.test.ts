/**
 * Issue 18: the resource registry (RFC 8707) in the admin API: administrators create, update and delete
 * resources; read-only administrators read them; everyone else is refused; every refusal is a typed
 * error naming the input field.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { startServer, type TestServer } from '../helpers/server.ts'
import { gql, ok, seedAdminWorld, type World } from './support.ts'

const E = '__typename ... on Error { message field }'
const FIELDS = 'name uri scopes tokenFormat accessTokenLifetime'

let server: TestServer
let w: World
beforeAll(async () => {
  server = await startServer()
  w = await seedAdminWorld(server.provider.services)
})
afterAll(() => server[Symbol.asyncDispose]())

const create = (input: string, token = w.tokens.admin) =>
  gql(
    server,
    token,
    `mutation { createResource(input: {${input}}) { ${E} ... on ResourcePayload { resource { ${FIELDS} } } } }`,
  )

describe('issue 18: resources in GraphQL', () => {
  test('an administrator registers, changes and deletes a resource; the URI is stored normalised', async () => {
    const made = await create('name: "mcp", uri: "https://mcp.example", scopes: ["read_user"], tokenFormat: JWT')
    expect(made.body.data.createResource.resource).toEqual({
      name: 'mcp',
      uri: 'https://mcp.example/',
      scopes: ['read_user'],
      tokenFormat: 'JWT',
      accessTokenLifetime: null,
    })
    const changed = await ok(
      server,
      w.tokens.admin,
      `mutation { updateResource(input: {name: "mcp", accessTokenLifetime: 120}) { ${E}
        ... on ResourcePayload { resource { ${FIELDS} } } } }`,
    )
    expect(changed.updateResource.resource).toMatchObject({ accessTokenLifetime: 120, tokenFormat: 'JWT' })
    const back = await ok(
      server,
      w.tokens.admin,
      `mutation { updateResource(input: {name: "mcp", accessTokenLifetime: null}) { ${E}
        ... on ResourcePayload { resource { accessTokenLifetime } } } }`,
    )
    expect(back.updateResource.resource.accessTokenLifetime).toBeNull()
    const read = await ok(
      server,
      w.tokens.adminRead,
      `{ resources { name } resource(name: "https://mcp.example/") { name } }`,
    )
    expect(read).toEqual({ resources: [{ name: 'mcp' }], resource: { name: 'mcp' } })
    const gone = await ok(
      server,
      w.tokens.admin,
      `mutation { deleteResource(input: {name: "mcp"}) { ${E} ... on DeleteResourcePayload { name } } }`,
    )
    expect(gone.deleteResource).toEqual({ __typename: 'DeleteResourcePayload', name: 'mcp' })
  })

  test('RFC 8707 §2: fragment, relative URI, unknown scope, bad lifetime: typed errors naming the field', async () => {
    const cases: Array<[string, string]> = [
      ['name: "a", uri: "https://a.example/#x"', 'uri'],
      ['name: "a", uri: "/relative"', 'uri'],
      ['name: "a", uri: "https://a.example/", scopes: ["nope"]', 'scopes'],
      ['name: "a", uri: "https://a.example/", accessTokenLifetime: 5', 'accessTokenLifetime'],
      ['name: "A B", uri: "https://a.example/"', 'name'],
    ]
    for (const [input, field] of cases) {
      const r = await create(input)
      expect({ input, ...r.body.data.createResource }).toMatchObject({ input, __typename: 'ValidationError', field })
    }
    await create('name: "dup", uri: "https://dup.example/"')
    const dup = await create('name: "dup2", uri: "https://dup.example"')
    expect(dup.body.data.createResource).toMatchObject({ __typename: 'ConflictError', field: 'uri' })
    const missing = await gql(
      server,
      w.tokens.admin,
      `mutation { updateResource(input: {name: "nope", scopes: []}) { ${E} } }`,
    )
    expect(missing.body.data.updateResource).toMatchObject({ __typename: 'NotFoundError', field: 'name' })
  })

  test('read-only administrators and users cannot change the registry; users cannot read it', async () => {
    const readOnly = await create('name: "x", uri: "https://x.example/"', w.tokens.adminRead)
    expect(readOnly.body.data.createResource.__typename).toBe('ForbiddenError')
    const user = await gql(server, w.tokens.alice, '{ resources { name } }')
    expect(user.body.errors?.length).toBeGreaterThan(0)
  })
})
