/**
 * @module
 * The one place where a service's field names become the paths of the GraphQL input the caller
 * sent (issue 14 §3): services name their own fields (`scopes`, `isTrusted`, `alg`), the API's
 * inputs say `allowedScopes`, `trusted`, `algorithm`. A field not listed has the same name on both
 * sides; test/graphql/input-fields.test.ts checks every field each service can name.
 */
import { DomainError } from '../services/shared/errors.ts'

export type FieldNames = Readonly<Record<string, string>>

const APPLICATION: FieldNames = {
  scopes: 'allowedScopes',
  isTrusted: 'trusted',
  isPublic: 'public',
  ownerId: 'owner',
  refreshPolicy: 'refreshTokenPolicy',
  accessTokenTtl: 'accessTokenLifetime',
  refreshTokenTtl: 'refreshTokenLifetime',
  clientId: 'id',
}

/** Per GraphQL input type: service field → input field. */
export const INPUT_FIELD_NAMES = {
  CreateApplicationInput: { ...APPLICATION, clientId: 'clientId' },
  UpdateApplicationInput: APPLICATION,
  ApplicationIdInput: { clientId: 'id' },
  CreateUserInput: {},
  UpdateUserInput: {},
  UserIdInput: { userId: 'id', username: 'id' },
  ResetUserPasswordInput: { username: 'id' },
  CreatePersonalAccessTokenInput: {},
  TokenIdInput: {},
  GrantIdInput: {},
  CreateScopeInput: {},
  UpdateScopeInput: {},
  ScopeNameInput: {},
  ImportScopePresetInput: {},
  ImportApplicationPresetInput: {},
  RotateSigningKeyInput: { alg: 'algorithm' },
  CreateGroupInput: {},
  UpdateGroupInput: { newName: 'name' },
  GroupIdInput: {},
  GroupMemberInput: {},
  CreateInitialAccessTokenInput: {},
  InitialAccessTokenIdInput: {},
} satisfies Record<string, FieldNames>
export type InputTypeName = keyof typeof INPUT_FIELD_NAMES

/** `scopes.2` → `allowedScopes.2`: the first segment is renamed, list indexes are kept. */
export function inputPath(names: FieldNames, field: string): string {
  const dot = field.indexOf('.')
  const head = dot < 0 ? field : field.slice(0, dot)
  return (names[head] ?? head) + (dot < 0 ? '' : field.slice(dot))
}

/** Runs a mutation's service call; a domain error comes back naming the caller's input field. */
export async function forInput<T>(input: InputTypeName, run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (e) {
    if (e instanceof DomainError && e.field !== undefined) throw e.naming(inputPath(INPUT_FIELD_NAMES[input], e.field))
    throw e
  }
}
