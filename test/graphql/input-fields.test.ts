/**
 * Issue 14 §3: a typed error's `field` is the path of the input field the caller sent, never the
 * service's own name for it (`scopes` for `allowedScopes`, `isTrusted` for `trusted`). The
 * translation is one table (src/graphql/input-fields.ts); these tests hold every field each
 * service can name against the GraphQL input it arrives through.
 */
import { describe, expect, test } from 'bun:test'
import { GraphQLInputObjectType, GraphQLNonNull } from 'graphql'
import { INPUT_FIELD_NAMES, inputPath, type InputTypeName } from '../../src/graphql/input-fields.ts'
import { schema } from '../../src/graphql/schema.ts'
import { UserPatch } from '../../src/services/admin/users.ts'
import { PersonalTokenInput } from '../../src/services/tokens/personal-tokens.ts'
import { ApplicationPatch, NewApplicationInput } from '../../src/services/applications/applications.ts'
import { ScopeInput, ScopePatch } from '../../src/services/scopes/scopes.ts'
import { NewUserInput } from '../../src/services/users/users.ts'
import { GroupPatch, NewGroupInput } from '../../src/services/groups/groups.ts'
import { NewInitialAccessTokenInput } from '../../src/services/registration/initial-access-tokens.ts'
import { startServer } from '../helpers/server.ts'
import { globalId, gql, ok, REDIRECT, seedAdminWorld } from './support.ts'

/** Every field name a service can put in an error, per input it is reached through. */
const SERVICE_FIELDS: Record<InputTypeName, string[]> = {
  CreateApplicationInput: [...Object.keys(NewApplicationInput.shape)],
  UpdateApplicationInput: [...Object.keys(ApplicationPatch.shape), 'id', 'clientId'],
  ApplicationIdInput: ['id', 'clientId'],
  CreateUserInput: [...Object.keys(NewUserInput.shape)],
  UpdateUserInput: [...Object.keys(UserPatch.shape), 'id'],
  UserIdInput: ['id', 'userId', 'username'],
  ResetUserPasswordInput: ['id', 'username', 'password'],
  CreatePersonalAccessTokenInput: [...Object.keys(PersonalTokenInput.shape)],
  TokenIdInput: ['id'],
  GrantIdInput: ['id'],
  CreateScopeInput: [...Object.keys(ScopeInput.shape)],
  UpdateScopeInput: [...Object.keys(ScopePatch.shape)],
  ScopeNameInput: ['name'],
  ImportScopePresetInput: ['preset', 'force'],
  ImportApplicationPresetInput: ['preset', 'force'],
  RotateSigningKeyInput: ['alg'],
  CreateGroupInput: [...Object.keys(NewGroupInput.shape)],
  UpdateGroupInput: [...Object.keys(GroupPatch.shape), 'id'],
  GroupIdInput: ['id'],
  CreateInitialAccessTokenInput: [...Object.keys(NewInitialAccessTokenInput.shape)],
  InitialAccessTokenIdInput: ['id'],
  GroupMemberInput: ['group', 'user'],
}

function fieldsOf(name: string): string[] {
  const type = schema.getType(name)
  if (!(type instanceof GraphQLInputObjectType)) throw new Error(`${name} is not an input type`)
  return Object.keys(type.getFields())
}

describe('issue 14 §3: error fields are input paths (the table)', () => {
  test('every mutation takes one input whose type the table knows', () => {
    const inputs = Object.values(schema.getMutationType()!.getFields()).map((f) => {
      const arg = f.args.find((a) => a.name === 'input')
      return arg && (arg.type instanceof GraphQLNonNull ? arg.type.ofType : arg.type).toString()
    })
    expect(inputs.filter((name) => !name || !(name in INPUT_FIELD_NAMES))).toEqual([])
  })

  for (const [input, fields] of Object.entries(SERVICE_FIELDS)) {
    test(`${input}: every field its services can name is a field of the input`, () => {
      const names = INPUT_FIELD_NAMES[input as InputTypeName]
      const missing = fields
        .map((f) => inputPath(names, f))
        .filter((path) => !fieldsOf(input).includes(path.split('.')[0]!))
      expect(missing).toEqual([])
    })
  }

  test('list indexes are kept and only the first segment is renamed', () => {
    expect(inputPath(INPUT_FIELD_NAMES.CreateApplicationInput, 'scopes.3')).toBe('allowedScopes.3')
    expect(inputPath(INPUT_FIELD_NAMES.CreateApplicationInput, 'redirectUris.0')).toBe('redirectUris.0')
  })
})

describe('issue 14 §3: error fields are input paths (through the API)', () => {
  test(
    'allowedScopes, trusted, canIntrospect, owner, accessTokenLifetime, id and algorithm come back as the ' +
      'caller spelled them',
    async () => {
      await using server = await startServer()
      const w = await seedAdminWorld(server.provider.services)
      const E = '__typename ... on Error { message field }'
      const call = async (token: string, mutation: string) =>
        Object.values(await ok(server, token, `mutation { ${mutation} { ${E} } }`))[0] as {
          __typename: string
          field: string
          message: string
        }
      const app = globalId('Application', w.aliceApp.application.id)
      const cases: Array<[string, string, string, string]> = [
        [
          w.tokens.alice,
          `createApplication(input: {name: "x", redirectUris: ["${REDIRECT}"], allowedScopes: ["nope"]})`,
          'ValidationError',
          'allowedScopes',
        ],
        [
          w.tokens.alice,
          `createApplication(input: {name: "x", redirectUris: ["${REDIRECT}"], allowedScopes: ["${'x'.repeat(101)}"]})`,
          'ValidationError',
          'allowedScopes.0',
        ],
        [
          w.tokens.alice,
          `createApplication(input: {name: "x", redirectUris: ["${REDIRECT}"], trusted: true})`,
          'ForbiddenError',
          'trusted',
        ],
        [
          w.tokens.alice,
          `createApplication(input: {name: "x", redirectUris: ["${REDIRECT}"], canIntrospect: true})`,
          'ForbiddenError',
          'canIntrospect',
        ],
        [
          w.tokens.alice,
          `createApplication(input: {name: "x", redirectUris: ["${REDIRECT}"], ` +
            `owner: "${globalId('User', w.bob.id)}"})`,
          'ForbiddenError',
          'owner',
        ],
        [w.tokens.alice, `updateApplication(input: {id: "${app}", trusted: true})`, 'ForbiddenError', 'trusted'],
        [
          w.tokens.alice,
          `updateApplication(input: {id: "${app}", accessTokenLifetime: 5})`,
          'ValidationError',
          'accessTokenLifetime',
        ],
        [
          w.tokens.alice,
          `updateApplication(input: {id: "${app}", allowedScopes: ["nope"]})`,
          'ValidationError',
          'allowedScopes',
        ],
        [w.tokens.admin, `rotateSigningKey(input: {algorithm: "HS256"})`, 'ValidationError', 'algorithm'],
        [w.tokens.alice, `revokeUserTokens(input: {id: "${globalId('User', w.bob.id)}"})`, 'ForbiddenError', 'id'],
      ]
      for (const [token, mutation, type, field] of cases) {
        const r = await call(token, mutation)
        expect({ mutation, type: r.__typename, field: r.field }).toEqual({ mutation, type, field })
        // A message that starts with the field names it the same way.
        if (/^[\w.]+: /.test(r.message)) expect(r.message).toStartWith(`${field}: `)
      }
    },
  )

  test('rotating the secret of a public application names the id the caller sent', async () => {
    await using server = await startServer()
    const w = await seedAdminWorld(server.provider.services)
    const pub = await server.provider.services.applications.create({
      name: 'SPA',
      redirectUris: [REDIRECT],
      isPublic: true,
    })
    const r = await ok(
      server,
      w.tokens.admin,
      `mutation { rotateApplicationSecret(input: {id: "${globalId('Application', pub.application.id)}"}) {
        __typename ... on Error { field } } }`,
    )
    expect(r.rotateApplicationSecret).toEqual({ __typename: 'ValidationError', field: 'id' })
  })
})

describe('issue 14 §3: a bad global ID in an input is a typed error naming that input field', () => {
  test(
    'malformed IDs and IDs of another type are a ValidationError on `id` / `owner`, never a ' + 'top-level error',
    async () => {
      await using server = await startServer()
      const w = await seedAdminWorld(server.provider.services)
      const app = globalId('Application', w.aliceApp.application.id)
      const user = globalId('User', w.bob.id)
      const cases: Array<[string, string]> = [
        ['enableUser(input: {id: "bogus"})', 'id'],
        ['disableUser(input: {id: "!!"})', 'id'],
        [`updateUser(input: {id: "${app}", name: "x"})`, 'id'],
        [`resetUserPassword(input: {id: "${globalId('Token', w.bob.id)}"})`, 'id'],
        [`revokeToken(input: {id: "${app}"})`, 'id'],
        [`revokeGrant(input: {id: "${user}"})`, 'id'],
        ['revokeUserTokens(input: {id: ""})', 'id'],
        [`createApplication(input: {name: "x", redirectUris: ["${REDIRECT}"], owner: "nosuch"})`, 'owner'],
        [`createApplication(input: {name: "x", redirectUris: ["${REDIRECT}"], owner: "${app}"})`, 'owner'],
        [`updateApplication(input: {id: "${user}", name: "x"})`, 'id'],
        ['deleteApplication(input: {id: "bogus"})', 'id'],
        [`rotateApplicationSecret(input: {id: "${user}"})`, 'id'],
        ['revokeApplicationTokens(input: {id: "QXBwbGljYXRpb24="})', 'id'],
      ]
      for (const [mutation, field] of cases) {
        const r = await gql(
          server,
          w.tokens.admin,
          `mutation { ${mutation} { __typename ... on Error { message field } } }`,
        )
        const result = Object.values(r.body.data ?? {})[0] as { __typename: string; field: string; message: string }
        expect({ mutation, errors: r.body.errors, type: result?.__typename, field: result?.field }).toEqual({
          mutation,
          errors: undefined,
          type: 'ValidationError',
          field,
        })
        expect(result.message).toStartWith(`${field}: `)
      }
    },
  )

  test('in a query filter, a bad ID is BAD_USER_INPUT naming the argument (owner, user, application)', async () => {
    await using server = await startServer()
    const w = await seedAdminWorld(server.provider.services)
    const app = globalId('Application', w.aliceApp.application.id)
    const cases: Array<[string, string]> = [
      ['applications(owner: "bogus")', 'owner'],
      [`tokens(user: "${app}")`, 'user'],
      ['grants(application: "nosuch")', 'application'],
      [`auditEvents(application: "${globalId('User', w.bob.id)}")`, 'application'],
    ]
    for (const [query, field] of cases) {
      const r = await gql(server, w.tokens.admin, `{ ${query} { edges { cursor } } }`)
      expect({ query, extensions: r.body.errors?.[0]?.extensions }).toEqual({
        query,
        extensions: { code: 'BAD_USER_INPUT', field },
      })
    }
  })

  test('a well-formed ID of the right type that names nothing is still a NotFoundError on `id`', async () => {
    await using server = await startServer()
    const w = await seedAdminWorld(server.provider.services)
    const r = await ok(
      server,
      w.tokens.admin,
      `mutation { enableUser(input: {id: "${globalId('User', 'nosuch')}"}) { __typename ... on Error { field } } }`,
    )
    expect(r.enableUser).toEqual({ __typename: 'NotFoundError', field: 'id' })
  })
})
