/**
 * Issue 14 §3: the CLI and GraphQL describe the same application and user. Every setting of
 * `latchkey app create` / `app update` / `user create` has its GraphQL twin, through an explicit
 * table: a name on either side that the table does not map fails the test.
 */
import { describe, expect, test } from 'bun:test'
import { GraphQLEnumType, GraphQLInputObjectType, type GraphQLObjectType, getNamedType } from 'graphql'
import { APP_SUBCOMMANDS } from '../../src/cli/app.ts'
import { GROUP_SUBCOMMANDS } from '../../src/cli/group.ts'
import { KEY_SUBCOMMANDS } from '../../src/cli/key.ts'
import { REGISTRATION_TOKEN_SUBCOMMANDS } from '../../src/cli/registration-token.ts'
import { SCOPE_SUBCOMMANDS } from '../../src/cli/scope.ts'
import { TOKEN_SUBCOMMANDS } from '../../src/cli/token.ts'
import { USER_SUBCOMMANDS } from '../../src/cli/user.ts'
import { schema } from '../../src/graphql/schema.ts'
import { ApplicationPatch, GRANT_TYPES, NewApplicationInput } from '../../src/services/applications/applications.ts'
import { postForm } from '../helpers/oauth.ts'
import { startServer } from '../helpers/server.ts'
import { ok, REDIRECT, seedAdminWorld } from './support.ts'

/** CLI flag → GraphQL input field. */
const APP_CREATE_TWINS: Record<string, string> = {
  name: 'name',
  'redirect-uri': 'redirectUris',
  scopes: 'allowedScopes',
  'grant-types': 'grantTypes',
  public: 'public',
  trusted: 'trusted',
  introspect: 'canIntrospect',
  'id-token-alg': 'idTokenAlg',
  'refresh-tokens': 'refreshTokenPolicy',
  'refresh-grace-period': 'refreshGracePeriod',
  owner: 'owner',
  'client-id': 'clientId',
  'default-scopes': 'defaultScopes',
  group: 'allowedGroups',
  'logo-uri': 'logoUri',
  'client-uri': 'clientUri',
  'policy-uri': 'policyUri',
  'tos-uri': 'tosUri',
  contact: 'contacts',
}
const APP_UPDATE_TWINS: Record<string, string> = {
  name: 'name',
  'redirect-uri': 'redirectUris',
  scopes: 'allowedScopes',
  'grant-types': 'grantTypes',
  trusted: 'trusted',
  'no-trusted': 'trusted',
  introspect: 'canIntrospect',
  'no-introspect': 'canIntrospect',
  'id-token-alg': 'idTokenAlg',
  'refresh-tokens': 'refreshTokenPolicy',
  'refresh-grace-period': 'refreshGracePeriod',
  'token-format': 'tokenFormat',
  'access-token-lifetime': 'accessTokenLifetime',
  'refresh-token-lifetime': 'refreshTokenLifetime',
  'default-scopes': 'defaultScopes',
  group: 'allowedGroups',
  'no-groups': 'allowedGroups',
  'logo-uri': 'logoUri',
  'client-uri': 'clientUri',
  'policy-uri': 'policyUri',
  'tos-uri': 'tosUri',
  contact: 'contacts',
}
const USER_CREATE_TWINS: Record<string, string> = {
  username: 'username',
  email: 'email',
  name: 'name',
  admin: 'isAdmin',
  'email-verified': 'emailVerified',
  'password-stdin': 'password',
  'no-password': 'password',
}
const USER_UPDATE_TWINS: Record<string, string> = {
  email: 'email',
  name: 'name',
  admin: 'isAdmin',
  'no-admin': 'isAdmin',
  'email-verified': 'emailVerified',
  'no-email-verified': 'emailVerified',
}
const GROUP_CREATE_TWINS: Record<string, string> = { name: 'name', description: 'description' }
/** `group update` is two commands, each of one setting: rename --to and describe --description. */
const GROUP_RENAME_TWINS: Record<string, string> = { to: 'name' }
const GROUP_DESCRIBE_TWINS: Record<string, string> = { description: 'description' }
/** GraphQL fields that pick the object rather than set it: the CLI takes CLIENT_ID or --username. */
const SELECTORS: Record<string, string[]> = { UpdateApplicationInput: ['id'], UpdateUserInput: ['id'] }

/** CLI command → the GraphQL mutation or query that does the same. */
const COMMAND_TWINS: Record<string, string> = {
  'app create': 'createApplication',
  'app update': 'updateApplication',
  'app list': 'applications',
  'app show': 'application',
  'app rotate-secret': 'rotateApplicationSecret',
  'app delete': 'deleteApplication',
  'app import': 'importApplicationPreset',
  'user create': 'createUser',
  'user update': 'updateUser',
  'user list': 'users',
  'user set-password': 'resetUserPassword',
  'user disable': 'disableUser',
  'user enable': 'enableUser',
  'user unlock': 'clearUserSignInLockout',
  'user delete': 'deleteUser',
  'user reset-link': 'createPasswordResetLink',
  'token create': 'createPersonalAccessToken',
  'token list': 'tokens',
  'token revoke': 'revokeToken',
  'scope create': 'createScope',
  'scope update': 'updateScope',
  'scope list': 'scopes',
  'scope delete': 'deleteScope',
  'scope import': 'importScopePreset',
  'key list': 'signingKeys',
  'key rotate': 'rotateSigningKey',
  'user show': 'user',
  'group create': 'createGroup',
  'group rename': 'updateGroup',
  'group describe': 'updateGroup',
  'group delete': 'deleteGroup',
  'group list': 'groups',
  'group show': 'group',
  'registration-token create': 'createInitialAccessToken',
  'registration-token list': 'initialAccessTokens',
  'registration-token revoke': 'revokeInitialAccessToken',
  'group add-member': 'addGroupMember',
  'group remove-member': 'removeGroupMember',
}
/** Mutations on applications, users, grants and tokens that have no CLI command, and why. */
const GRAPHQL_ONLY: Record<string, string> = {
  revokeApplicationTokens: "an owner's self-service; the operator has app rotate-secret and app delete",
  revokeUserTokens: "a user's self-service; the operator has user disable",
  revokeGrant: 'a consent is revoked by its user (also on /account/applications) or with its tokens',
}

/** CLI flags that pick the object rather than set it: GraphQL's `id` (see SELECTORS). */
const CLI_SELECTORS = new Set(['client-id', 'username'])
/** A group is picked by NAME (or --name). */
const GROUP_SELECTORS = new Set(['name'])

/** The flags a subcommand sets, read from its own table (what --help shows and the parser accepts). */
function settingFlags(
  entry: { flags: Record<string, unknown> },
  picksObject: boolean,
  selectors = CLI_SELECTORS,
): string[] {
  return Object.keys(entry.flags).filter((f) => !(picksObject && selectors.has(f)))
}

function inputFields(name: string): string[] {
  const type = schema.getType(name)
  if (!(type instanceof GraphQLInputObjectType)) throw new Error(`${name} is not an input type`)
  return Object.keys(type.getFields()).sort()
}

function enumValues(name: string): unknown[] {
  const type = schema.getType(name)
  if (!(type instanceof GraphQLEnumType)) throw new Error(`${name} is not an enum`)
  return type.getValues().map((v) => v.value)
}

describe('issue 14 §3: every CLI setting has its GraphQL twin, and back (every mutation, every command)', () => {
  for (const [command, cli, input, twins] of [
    ['app create', settingFlags(APP_SUBCOMMANDS.create, false), 'CreateApplicationInput', APP_CREATE_TWINS],
    ['app update', settingFlags(APP_SUBCOMMANDS.update, true), 'UpdateApplicationInput', APP_UPDATE_TWINS],
    ['user create', settingFlags(USER_SUBCOMMANDS.create, false), 'CreateUserInput', USER_CREATE_TWINS],
    ['user update', settingFlags(USER_SUBCOMMANDS.update, true), 'UpdateUserInput', USER_UPDATE_TWINS],
    ['group create', settingFlags(GROUP_SUBCOMMANDS.create, false), 'CreateGroupInput', GROUP_CREATE_TWINS],
  ] as const) {
    test(`latchkey ${command} ↔ ${input}: no flag and no field without a twin`, () => {
      expect([...cli].sort()).toEqual(Object.keys(twins).sort())
      expect([...new Set([...Object.values(twins), ...(SELECTORS[input] ?? [])])].sort()).toEqual(inputFields(input))
    })
  }

  test('latchkey group rename and group describe ↔ UpdateGroupInput: together, every field and no other', () => {
    const cli = [
      ...settingFlags(GROUP_SUBCOMMANDS.rename, true, GROUP_SELECTORS).map((f) => GROUP_RENAME_TWINS[f]),
      ...settingFlags(GROUP_SUBCOMMANDS.describe, true, GROUP_SELECTORS).map((f) => GROUP_DESCRIBE_TWINS[f]),
    ]
    expect([...cli, 'id'].sort()).toEqual(inputFields('UpdateGroupInput'))
  })

  test(
    'every app, user, token, scope, key and group command has its GraphQL operation, and every mutation its command ' +
      '(or a reason)',
    () => {
      const groups = {
        app: APP_SUBCOMMANDS,
        user: USER_SUBCOMMANDS,
        token: TOKEN_SUBCOMMANDS,
        scope: SCOPE_SUBCOMMANDS,
        key: KEY_SUBCOMMANDS,
        group: GROUP_SUBCOMMANDS,
        'registration-token': REGISTRATION_TOKEN_SUBCOMMANDS,
      }
      const commands = Object.entries(groups).flatMap(([c, table]) => Object.keys(table).map((sub) => `${c} ${sub}`))
      expect(commands.sort()).toEqual(Object.keys(COMMAND_TWINS).sort())
      const operations = { ...schema.getQueryType()!.getFields(), ...schema.getMutationType()!.getFields() }
      expect(Object.values(COMMAND_TWINS).filter((name) => !(name in operations))).toEqual([])
      const mutations = Object.keys(schema.getMutationType()!.getFields())
      expect(mutations.filter((m) => !Object.values(COMMAND_TWINS).includes(m) && !(m in GRAPHQL_ONLY))).toEqual([])
      expect(Object.keys(GRAPHQL_ONLY).filter((m) => !mutations.includes(m))).toEqual([])
    },
  )

  test(
    'the enums offer exactly what the service accepts: every grant type, refresh-token policy, ID-token ' +
      'algorithm and token format',
    () => {
      expect(enumValues('GrantType').sort()).toEqual([...GRANT_TYPES].sort())
      expect(enumValues('RefreshTokenPolicy').sort()).toEqual(
        [...NewApplicationInput.shape.refreshPolicy.unwrap().options].sort(),
      )
      expect(enumValues('IdTokenAlgorithm').sort()).toEqual(
        [...NewApplicationInput.shape.idTokenAlg.unwrap().options].sort(),
      )
      expect(enumValues('TokenFormat').sort()).toEqual([...ApplicationPatch.shape.tokenFormat.unwrap().options].sort())
    },
  )
})

describe('issue 14 §3: GraphQL registers every kind of application the CLI can', () => {
  test(
    'a CI bot (client credentials), a device-flow helper and a password-grant app, with refresh policy and ' +
      'ID-token algorithm',
    async () => {
      await using server = await startServer()
      const w = await seedAdminWorld(server.provider.services)
      const create = (fields: string) =>
        ok(
          server,
          w.tokens.admin,
          `mutation { createApplication(input: {${fields}}) { __typename ... on Error { message field }
            ... on ApplicationWithSecret { clientSecret application { clientId grantTypes refreshTokenPolicy
            idTokenAlg public } } } }`,
        )
      const bot = (
        await create('name: "CI bot", redirectUris: [], allowedScopes: ["read_user"], grantTypes: [CLIENT_CREDENTIALS]')
      ).createApplication
      expect(bot.application.grantTypes).toEqual(['CLIENT_CREDENTIALS'])
      const token = await postForm(
        server.url,
        '/oauth/token',
        { clientId: bot.application.clientId, secret: bot.clientSecret, redirectUri: '' },
        { grant_type: 'client_credentials', scope: 'read_user' },
      )
      expect(token.status).toBe(200)
      const device = (
        await create(
          'name: "git helper", redirectUris: [], public: true, grantTypes: [DEVICE_CODE, REFRESH_TOKEN], ' +
            'refreshTokenPolicy: OFFLINE_ACCESS',
        )
      ).createApplication
      expect(device.application).toMatchObject({
        grantTypes: ['DEVICE_CODE', 'REFRESH_TOKEN'],
        refreshTokenPolicy: 'OFFLINE_ACCESS',
        public: true,
      })
      const legacy = (
        await create(
          `name: "legacy", redirectUris: ["${REDIRECT}"], grantTypes: [PASSWORD, AUTHORIZATION_CODE], ` +
            `idTokenAlg: ES256`,
        )
      ).createApplication
      expect(legacy.application).toMatchObject({
        grantTypes: ['PASSWORD', 'AUTHORIZATION_CODE'],
        idTokenAlg: 'ES256',
        refreshTokenPolicy: 'ALWAYS',
      })
      const id = (
        await ok(server, w.tokens.admin, `{ application(clientId: "${legacy.application.clientId}") { id } }`)
      ).application.id
      const updated = await ok(
        server,
        w.tokens.admin,
        `mutation { updateApplication(input: {id: "${id}", refreshTokenPolicy: OFFLINE_ACCESS}) {
          ... on ApplicationPayload { application { refreshTokenPolicy idTokenAlg } } } }`,
      )
      expect(updated.updateApplication.application).toEqual({
        refreshTokenPolicy: 'OFFLINE_ACCESS',
        idTokenAlg: 'ES256',
      })
    },
  )
})

describe('issue 14 §3: what a script reads it can send back', () => {
  // Every setting of Application that UpdateApplicationInput takes, read and written under the same name.
  const SETTINGS =
    'name redirectUris allowedScopes grantTypes trusted canIntrospect idTokenAlg refreshTokenPolicy tokenFormat ' +
    'accessTokenLifetime refreshTokenLifetime refreshGracePeriod' +
    ' defaultScopes' +
    ' logoUri clientUri policyUri tosUri contacts'
  /** Settings that name other objects: Application shows the objects, UpdateApplicationInput takes their ids. */
  const REFERENCES: Record<string, string> = { allowedGroups: 'Group' }

  test('UpdateApplicationInput takes nothing that Application does not show under the same name', () => {
    const input = schema.getType('UpdateApplicationInput') as GraphQLInputObjectType
    const output = schema.getType('Application') as GraphQLObjectType
    const fields = Object.keys(input.getFields()).filter((f) => f !== 'id' && !(f in REFERENCES))
    expect(fields.sort()).toEqual(SETTINGS.split(' ').sort())
    // A list of other objects is read as the objects and written as their ids (issue 16: allowedGroups).
    for (const [f, type] of Object.entries(REFERENCES)) {
      expect(getNamedType(output.getFields()[f]!.type).name).toBe(type)
      expect(getNamedType(input.getFields()[f]!.type).name).toBe('ID')
    }
    for (const f of fields) {
      // The same named type on both sides (enums, not strings, for grant types, algorithm and format).
      expect({ f, type: getNamedType(output.getFields()[f]!.type).name }).toEqual({
        f,
        type: getNamedType(input.getFields()[f]!.type).name,
      })
    }
  })

  test('an application read through GraphQL goes back through updateApplication unchanged', async () => {
    await using server = await startServer()
    const w = await seedAdminWorld(server.provider.services)
    const created = await ok(
      server,
      w.tokens.admin,
      `mutation { createApplication(input: {
        name: "helper", redirectUris: ["${REDIRECT}"], allowedScopes: ["openid", "read_user"],
        grantTypes: [AUTHORIZATION_CODE, REFRESH_TOKEN, DEVICE_CODE], idTokenAlg: ES256,
        refreshTokenPolicy: OFFLINE_ACCESS
      }) { ... on ApplicationWithSecret { application { id } } ... on Error { message field } } }`,
    )
    const id = created.createApplication.application.id
    await ok(
      server,
      w.tokens.admin,
      `mutation { updateApplication(input: {id: "${id}", tokenFormat: JWT, accessTokenLifetime: 600}) {
        ... on Error { message field } } }`,
    )
    const read = async () =>
      (
        await ok(server, w.tokens.admin, `query($id: ID!) { node(id: $id) { ... on Application { ${SETTINGS} } } }`, {
          id,
        })
      ).node
    const before = await read()
    expect(before).toMatchObject({ grantTypes: ['AUTHORIZATION_CODE', 'REFRESH_TOKEN', 'DEVICE_CODE'] })
    expect(before).toMatchObject({ idTokenAlg: 'ES256', tokenFormat: 'JWT', refreshTokenPolicy: 'OFFLINE_ACCESS' })
    const sent = await ok(
      server,
      w.tokens.admin,
      `mutation($input: UpdateApplicationInput!) { updateApplication(input: $input) {
        __typename ... on Error { message field } ... on ApplicationPayload { application { ${SETTINGS} } } } }`,
      { input: { id, ...before } },
    )
    expect(sent.updateApplication.__typename).toBe('ApplicationPayload')
    expect(sent.updateApplication.application).toEqual(before)
    expect(await read()).toEqual(before)
  })
})
