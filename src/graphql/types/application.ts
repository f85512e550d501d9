/** @module Application (an OAuth client): settings, owner, and batched counts of live tokens and grants. */
import { GRANT_TYPES, type GrantType, MAX_REFRESH_GRACE_PERIOD } from '../../services/applications/applications.ts'
import { builder } from '../builder.ts'
import { connection, opt } from '../pagination.ts'
import {
  ActiveFilter,
  ApplicationRef,
  GrantRef,
  GroupRef,
  isActive,
  TokenKindEnum,
  TokenRef,
  UserRef,
} from '../refs.ts'

function isGrantType(g: string): g is GrantType {
  return (GRANT_TYPES as readonly string[]).includes(g)
}

/**
 * Every grant the token endpoint has a handler for; DEVICE_CODE is
 * urn:ietf:params:oauth:grant-type:device_code (RFC 8628).
 */
export const GrantTypeEnum = builder.enumType('GrantType', {
  values: Object.fromEntries(GRANT_TYPES.map((g) => [g.split(':').pop()!.toUpperCase(), { value: g }])) as Record<
    string,
    { value: GrantType }
  >,
})

export const RefreshTokenPolicyEnum = builder.enumType('RefreshTokenPolicy', {
  description:
    'ALWAYS (as GitLab): every user grant gets a refresh token. ' +
    'OFFLINE_ACCESS: OpenID requests get one only when they ask for offline_access.',
  values: { ALWAYS: { value: 'always' }, OFFLINE_ACCESS: { value: 'offline_access' } } as const,
})

export const AlgEnum = builder.enumType('IdTokenAlgorithm', { values: ['RS256', 'ES256'] as const })
export const TokenFormatEnum = builder.enumType('TokenFormat', {
  values: { OPAQUE: { value: 'opaque' }, JWT: { value: 'jwt' } } as const,
})

/** Issue 16: what the rotation grace period is, said once for the field and both inputs. */
export const GRACE_PERIOD_DESCRIPTION =
  'Seconds after a refresh token is used during which this application may present it again and get new ' +
  'tokens instead of having its grant revoked as a replay (RFC 9700 §4.14.2); for clients that refresh in ' +
  `parallel, such as Git Credential Manager. 0 (the default) is off; at most ${MAX_REFRESH_GRACE_PERIOD}.`

export const ApplicationRegistrationEnum = builder.enumType('ApplicationRegistration', {
  description:
    'Issue 18: how the application came to be. ADMIN: made with the CLI or GraphQL; DYNAMIC: registered itself ' +
    '(RFC 7591); METADATA_DOCUMENT: its client id is the URL of its Client ID Metadata Document.',
  values: {
    ADMIN: { value: 'admin' },
    DYNAMIC: { value: 'dynamic' },
    METADATA_DOCUMENT: { value: 'metadata_document' },
  } as const,
})

// Settings are read with the enums they are written with, so what a script reads it can send back.
ApplicationRef.implement({
  description:
    'An OAuth 2.0 client. Its secret is never readable: ' +
    'it is shown once, by createApplication or rotateApplicationSecret.',
  authScopes: (app) => ({ adminRead: true, self: app.ownerId }),
  fields: (t) => ({
    clientId: t.exposeString('clientId'),
    name: t.exposeString('name'),
    owner: t.field({ type: UserRef, nullable: true, resolve: (a) => a.ownerId }),
    public: t.exposeBoolean('isPublic', {
      description: 'RFC 6749 §2.1: true for a public client (no secret, PKCE required), false for a confidential one.',
    }),
    redirectUris: t.exposeStringList('redirectUris'),
    allowedScopes: t.exposeStringList('scopes', {
      description: 'The ceiling: tokens never carry a scope outside these (and what they imply).',
    }),
    defaultScopes: t.exposeStringList('defaultScopes', {
      nullable: true,
      description:
        'RFC 6749 §3.3: what a request naming no scope gets (an empty list: such requests are refused). ' +
        "Null: the server's rule, the allowed scopes marked default, else all of them.",
    }),
    grantTypes: t.field({
      type: [GrantTypeEnum],
      // Only known grants are ever stored (the services' zod enum); the guard keeps the enum honest.
      resolve: (a) => a.grantTypes.filter(isGrantType),
    }),
    trusted: t.exposeBoolean('isTrusted', { description: 'Trusted applications skip the consent page.' }),
    canIntrospect: t.exposeBoolean('canIntrospect'),
    tokenFormat: t.expose('tokenFormat', { type: TokenFormatEnum }),
    idTokenAlg: t.expose('idTokenAlg', { type: AlgEnum }),
    refreshTokenPolicy: t.expose('refreshPolicy', { type: RefreshTokenPolicyEnum }),
    refreshGracePeriod: t.exposeInt('refreshGracePeriod', { description: GRACE_PERIOD_DESCRIPTION }),
    accessTokenLifetime: t.exposeInt('accessTokenTtl', {
      nullable: true,
      description: 'Seconds; null means the server default.',
    }),
    refreshTokenLifetime: t.exposeInt('refreshTokenTtl', {
      nullable: true,
      description: 'Seconds; null means the server default.',
    }),
    allowedGroups: t.loadableList({
      type: GroupRef,
      description:
        'Issue 16: only members of these groups may use it (by name, A to Z); empty: see restrictedToGroups.',
      load: (ids: string[], ctx) => ctx.services.admin.applications.allowedGroups(ids),
      resolve: (a) => a.id,
    }),
    restrictedToGroups: t.exposeBoolean('restrictedToGroups', {
      description:
        'True when only members of allowedGroups may use it. Stays true when every such group was deleted: ' +
        'the application is then closed to everyone, never silently opened.',
    }),
    logoUri: t.exposeString('logoUri', { nullable: true, description: 'RFC 7591 §2; shown on consent.' }),
    clientUri: t.exposeString('clientUri', { nullable: true, description: 'RFC 7591 §2; shown on consent.' }),
    policyUri: t.exposeString('policyUri', { nullable: true, description: 'RFC 7591 §2; shown on consent.' }),
    tosUri: t.exposeString('tosUri', { nullable: true, description: 'RFC 7591 §2; shown on consent.' }),
    contacts: t.exposeStringList('contacts', { description: 'RFC 7591 §2.' }),
    registration: t.expose('registration', { type: ApplicationRegistrationEnum }),
    grantCompletedAt: t.expose('grantCompletedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it first obtained tokens. Self-registered applications that never do are purged (issue 18).',
    }),
    metadataFetchedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description:
        'Issue 18: for a client known by its metadata document (its clientId is the URL), when the document ' +
        'was last fetched; null for other applications.',
      resolve: (a) => a.metadataDocument?.fetchedAt ?? null,
    }),
    metadataExpiresAt: t.field({
      type: 'DateTime',
      nullable: true,
      description:
        'Issue 18: until when the fetched metadata document is used; after that it is fetched again. ' +
        'Deleting the application makes the next request fetch it at once.',
      resolve: (a) => a.metadataDocument?.expiresAt ?? null,
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    activeTokenCount: t.loadable({
      type: 'Int',
      description: 'Live access and refresh tokens (one grouped query per page of applications).',
      load: (ids: string[], ctx) => ctx.services.admin.applications.activeTokenCounts(ids),
      resolve: (a) => a.id,
    }),
    activeGrantCount: t.loadable({
      type: 'Int',
      load: (ids: string[], ctx) => ctx.services.admin.applications.activeGrantCounts(ids),
      resolve: (a) => a.id,
    }),
    tokens: t.connection({
      type: TokenRef,
      args: { state: t.arg({ type: ActiveFilter }), kind: t.arg({ type: TokenKindEnum }), scope: t.arg.string() },
      resolve: (a, args, ctx) =>
        connection(args, (w) =>
          ctx.services.admin.tokens.page(ctx.actor, w, {
            applicationId: a.id,
            active: isActive(args.state),
            kind: opt(args.kind),
            scope: opt(args.scope),
          }),
        ),
    }),
    grants: t.connection({
      type: GrantRef,
      args: { state: t.arg({ type: ActiveFilter }), scope: t.arg.string() },
      resolve: (a, args, ctx) =>
        connection(args, (w) =>
          ctx.services.admin.tokens.grantsPage(ctx.actor, w, {
            applicationId: a.id,
            active: isActive(args.state),
            scope: opt(args.scope),
          }),
        ),
    }),
  }),
})
