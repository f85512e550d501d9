/**
 * @module
 * Applications (OAuth clients). A confidential application's secret is shown once, at creation or
 * rotation; only its SHA-256 is stored and checked in constant time. Functions with their
 * dependencies named as parameters (like sessions/sessions.ts), bound once by createApplicationService.
 */
import type { z } from 'zod'
import { newClientId, newId } from '../../crypto/ids.ts'
import { generateSecret, safeEqual, sha256Hex } from '../../crypto/secrets.ts'
import type { Clock } from '../../clock.ts'
import type { Db, RowPatch } from '../../store/database.ts'
import * as repo from '../../store/repositories/applications.ts'
import * as allowed from '../../store/repositories/application-groups.ts'
import { groupsByIds } from '../../store/repositories/groups.ts'
import { type Group, groupRowToGroup } from '../groups/groups.ts'
import { type Cache, createCache } from '../../store/cache.ts'
import type { AuditService } from '../shared/audit.ts'
import type { RateLimitService } from '../shared/rate-limits.ts'
import type { ServiceDeps } from '../shared/deps.ts'
import { ApplicationPatch, type NewApplicationInput, parseNewApplication, requireGrantTypesFit } from './inputs.ts'
import { Conflict, Invalid, NotFound, parseOrInvalid } from '../shared/errors.ts'
import { joinList, splitList } from '../shared/lists.ts'
import type { ScopeService } from '../scopes/scopes.ts'
import { type AppPresetName, importApplicationPreset } from './presets.ts'
import {
  createInFlightFetchCache,
  documentFetcher,
  findMetadataClient,
  type MetadataDocumentDeps,
} from './metadata-documents.ts'

export {
  ApplicationPatch,
  DEVICE_CODE_GRANT,
  GRANT_TYPES,
  MAX_REFRESH_GRACE_PERIOD,
  NewApplicationInput,
  parseNewApplication,
  type GrantType,
} from './inputs.ts'

export interface Application {
  id: string
  clientId: string
  name: string
  ownerId: string | null
  isPublic: boolean
  isTrusted: boolean
  redirectUris: string[]
  scopes: string[]
  grantTypes: string[]
  tokenFormat: 'opaque' | 'jwt'
  idTokenAlg: 'RS256' | 'ES256'
  accessTokenTtl: number | null
  refreshTokenTtl: number | null
  canIntrospect: boolean
  allowPlainPkce: boolean
  /** `always`: every user grant gets a refresh token; `offline_access`: OIDC requests only when asked for. */
  refreshPolicy: 'always' | 'offline_access'
  /** RFC 6749 §3.3: what a request without `scope` gets; null: the server's rule (issue 16). */
  defaultScopes: string[] | null
  /**
   * Issue 16: seconds after a refresh token's rotation during which this client may present it again
   * and get a new pair without revoking the family (services/tokens/tokens.ts); 0 = off.
   */
  refreshGracePeriod: number
  /**
   * Issue 16: only members of the groups on its list may use it (`allowedGroups` reads the list).
   * Stays true when every group on the list was deleted: the application is then closed to everyone.
   */
  restrictedToGroups: boolean
  /** Issue 18, RFC 7591 §2: links and a logo shown on consent (escaped; "unverified" unless an admin set them). */
  logoUri: string | null
  clientUri: string | null
  policyUri: string | null
  tosUri: string | null
  contacts: string[]
  /** Issue 18: who registered it: an administrator, the client itself (RFC 7591), or its metadata document. */
  registration: ApplicationRegistration
  /** RFC 7591 §2 `token_endpoint_auth_method` as the client registered it; null for admin-made applications. */
  tokenEndpointAuthMethod: string | null
  /** When it first obtained tokens (null: never); self-registered clients that never did are purged. */
  grantCompletedAt: number | null
  /**
   * Issue 18: the client is known only by the metadata document at its client_id URL (its name is the
   * client's own word, unverified): when that was fetched and until when it is used without fetching again.
   */
  metadataDocument: { fetchedAt: number; expiresAt: number } | null
  createdAt: number
  updatedAt: number
}

export const APPLICATION_REGISTRATIONS = ['admin', 'dynamic', 'metadata_document'] as const
export type ApplicationRegistration = (typeof APPLICATION_REGISTRATIONS)[number]

function registrationOf(stored: string): ApplicationRegistration {
  return (APPLICATION_REGISTRATIONS as readonly string[]).includes(stored)
    ? (stored as ApplicationRegistration)
    : 'admin'
}

function contactsOf(stored: string | null | undefined): string[] {
  if (!stored) return []
  try {
    const list: unknown = JSON.parse(stored)
    return Array.isArray(list) ? list.filter((c): c is string => typeof c === 'string') : []
  } catch {
    return []
  }
}

export function applicationRowToApplication(row: repo.ApplicationRow): Application {
  return {
    id: row.id,
    clientId: row.client_id,
    name: row.name,
    ownerId: row.owner_id,
    isPublic: row.is_public === 1,
    isTrusted: row.is_trusted === 1,
    redirectUris: JSON.parse(row.redirect_uris) as string[],
    scopes: splitList(row.scopes),
    grantTypes: splitList(row.grant_types),
    tokenFormat: row.token_format === 'jwt' ? 'jwt' : 'opaque',
    idTokenAlg: row.id_token_alg === 'ES256' ? 'ES256' : 'RS256',
    accessTokenTtl: row.access_token_ttl,
    refreshTokenTtl: row.refresh_token_ttl,
    canIntrospect: row.can_introspect === 1,
    allowPlainPkce: row.allow_plain_pkce === 1,
    refreshPolicy: row.refresh_policy === 'offline_access' ? 'offline_access' : 'always',
    defaultScopes: row.default_scopes === null ? null : splitList(row.default_scopes),
    refreshGracePeriod: row.refresh_grace_period,
    restrictedToGroups: row.group_restricted === 1,
    logoUri: row.logo_uri ?? null,
    clientUri: row.client_uri ?? null,
    policyUri: row.policy_uri ?? null,
    tosUri: row.tos_uri ?? null,
    contacts: contactsOf(row.contacts),
    registration: registrationOf(row.registration ?? 'admin'),
    tokenEndpointAuthMethod: row.token_endpoint_auth_method ?? null,
    grantCompletedAt: row.grant_completed_at ?? null,
    metadataDocument:
      row.metadata_fetched_at === null
        ? null
        : { fetchedAt: row.metadata_fetched_at, expiresAt: row.metadata_expires_at ?? row.metadata_fetched_at },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

export interface CreatedApplication {
  application: Application
  /** Present for confidential applications only, and only in this one response. */
  clientSecret: string | null
}

/**
 * Client authentication runs on every token, introspection and revocation request, so the rows it
 * reads are remembered by client id (store/cache.ts): on SQLite until any change to applications
 * (deleting its owner included), by this process or another on the same file (the CLI beside a
 * running server). A rotated secret or a deleted client must stop working at once on every
 * instance, so on PostgreSQL the row is read on every request. Unknown client ids are never
 * remembered, so probing cannot fill it. Made once per services bag and passed to authenticateClient.
 */
export type ClientCache = Cache<string, CachedClient>
interface CachedClient {
  secretHash: string | null
  application: Application
}
export function createClientCache(db: Db, clock: Clock): ClientCache {
  return createCache<string, CachedClient>(db, {
    tables: ['applications'],
    keyedRowsOnly: true,
    postgresMaxAge: 0,
    now: () => clock.now(),
  })
}

type ReadDeps = Pick<ServiceDeps, 'db'>
/** What changing an application uses: the store, the clock and the audit log. */
export type ApplicationWriteDeps = Pick<ServiceDeps, 'db' | 'clock'> & { audit: Pick<AuditService, 'record'> }
/**
 * Creating and updating also check the scopes named exist, and that the default scopes are within the
 * allowed ones, through these members of the scope service.
 */
export type ApplicationScopeDeps = ApplicationWriteDeps & { scopes: Pick<ScopeService, 'unknownNames' | 'resolve'> }

async function requireByClientId({ db }: ReadDeps, clientId: string): Promise<repo.ApplicationRow> {
  const row = await repo.findApplicationByClientId(db, clientId)
  if (!row) throw new NotFound(`no application with client id ${clientId}`, 'clientId')
  return row
}

async function requireKnownScopes(
  { scopes }: Pick<ApplicationScopeDeps, 'scopes'>,
  names: readonly string[],
  field: 'scopes' | 'defaultScopes' = 'scopes',
): Promise<void> {
  const unknown = await scopes.unknownNames(names)
  if (unknown.length) throw new Invalid(`unknown scope(s): ${unknown.join(', ')}`, field)
}

/** Issue 16: the default scopes are known and within the allowed ones (and what they imply). */
export async function requireDefaultScopesFit(
  deps: Pick<ApplicationScopeDeps, 'scopes'>,
  defaults: readonly string[] | null,
  allowed: readonly string[],
): Promise<void> {
  if (!defaults?.length) return
  await requireKnownScopes(deps, defaults, 'defaultScopes')
  const check = await deps.scopes.resolve(defaults.join(' '), allowed)
  if (!check.ok) throw new Invalid(`default scopes must be within the allowed scopes: ${check.reason}`, 'defaultScopes')
}

/** A chosen client id is unique (issue 16); the unique index settles a race, read back as the same answer. */
async function requireFreeClientId({ db }: ReadDeps, clientId: string): Promise<void> {
  if (await repo.findApplicationByClientId(db, clientId))
    throw new Conflict(`client id ${clientId} is already taken by another application`, 'clientId')
}

/** Throws Invalid naming the first id that is no group. */
async function requireGroups({ db }: ReadDeps, ids: readonly string[]): Promise<void> {
  const found = new Set((await groupsByIds(db, ids)).map((g) => g.id))
  const missing = ids.find((id) => !found.has(id))
  if (missing !== undefined) throw new Invalid(`no group with id ${missing}`, 'allowedGroups')
}

/** A group deleted while the application was being written (the foreign key said no) is Invalid, as before it. */
function groupGoneOr(deps: ReadDeps, ids: readonly string[]) {
  return async (e: unknown): Promise<never> => {
    if (ids.length) await requireGroups(deps, ids)
    throw e
  }
}

/** The row of a new application, as createApplication and the presets (./presets.ts) write it. */
export function newApplicationRow(
  parsed: z.output<typeof NewApplicationInput>,
  clientSecret: string | null,
  now: number,
  actorUserId: string | null,
): repo.ApplicationRow {
  return {
    id: newId(),
    client_id: parsed.clientId ?? newClientId(),
    client_secret_hash: clientSecret && sha256Hex(clientSecret),
    name: parsed.name,
    owner_id: parsed.ownerId ?? actorUserId,
    is_public: parsed.isPublic ? 1 : 0,
    is_trusted: parsed.isTrusted ? 1 : 0,
    redirect_uris: JSON.stringify([...new Set(parsed.redirectUris)]),
    scopes: joinList(parsed.scopes),
    grant_types: joinList(parsed.grantTypes),
    token_format: 'opaque',
    id_token_alg: parsed.idTokenAlg,
    access_token_ttl: null,
    refresh_token_ttl: null,
    can_introspect: parsed.canIntrospect ? 1 : 0,
    allow_plain_pkce: 0,
    refresh_policy: parsed.refreshPolicy,
    default_scopes: parsed.defaultScopes === null ? null : joinList(parsed.defaultScopes),
    refresh_grace_period: parsed.refreshGracePeriod,
    group_restricted: parsed.allowedGroups.length ? 1 : 0,
    logo_uri: parsed.logoUri ?? null,
    client_uri: parsed.clientUri ?? null,
    policy_uri: parsed.policyUri ?? null,
    tos_uri: parsed.tosUri ?? null,
    contacts: JSON.stringify(parsed.contacts),
    registration: 'admin',
    token_endpoint_auth_method: null,
    registration_token_hash: null,
    grant_completed_at: null,
    created_at: now,
    updated_at: now,
    metadata_fetched_at: null,
    metadata_expires_at: null,
  }
}

/** Inserts a new application's row; a chosen client id taken meanwhile (PostgreSQL) is a Conflict, not a 500. */
export async function insertNewApplication(trx: Db, row: repo.ApplicationRow): Promise<void> {
  try {
    await repo.insertApplication(trx, row)
  } catch (e) {
    if (repo.isClientIdTaken(e))
      throw new Conflict(`client id ${row.client_id} is already taken by another application`, 'clientId')
    throw e
  }
}

export async function createApplication(
  deps: ApplicationScopeDeps,
  input: z.input<typeof NewApplicationInput>,
  actorUserId: string | null = null,
): Promise<CreatedApplication> {
  const { db, clock, audit } = deps
  const parsed = parseNewApplication(input)
  await requireKnownScopes(deps, parsed.scopes)
  await requireDefaultScopesFit(deps, parsed.defaultScopes, parsed.scopes)
  if (parsed.clientId !== undefined) await requireFreeClientId(deps, parsed.clientId)
  await requireGroups(deps, parsed.allowedGroups)
  const clientSecret = parsed.isPublic ? null : generateSecret('clientSecret')
  const row = newApplicationRow(parsed, clientSecret, clock.now(), actorUserId)
  await db
    .transaction()
    .execute(async (trx) => {
      await insertNewApplication(trx, row)
      await allowed.replaceApplicationGroups(trx, row.id, parsed.allowedGroups)
      await audit.record({ type: 'application.created', actorUserId, applicationId: row.id }, trx)
    })
    .catch(groupGoneOr(deps, parsed.allowedGroups))
  return { application: applicationRowToApplication(row), clientSecret }
}

/**
 * Changes what the patch names and nothing else; every field follows the creation rule. The
 * change is seen at once by client authentication (the write moves the cache's change signal).
 */
export async function updateApplication(
  deps: ApplicationScopeDeps,
  clientId: string,
  patch: z.input<typeof ApplicationPatch>,
  actorUserId: string | null = null,
): Promise<Application> {
  const { db, clock, audit } = deps
  const row = await requireByClientId(deps, clientId)
  const p = parseOrInvalid(ApplicationPatch, patch)
  const current = applicationRowToApplication(row)
  if (p.scopes) await requireKnownScopes(deps, p.scopes)
  if (p.scopes !== undefined || p.defaultScopes !== undefined)
    await requireDefaultScopesFit(
      deps,
      p.defaultScopes !== undefined ? p.defaultScopes : current.defaultScopes,
      p.scopes ?? current.scopes,
    )
  if (p.allowedGroups) await requireGroups(deps, p.allowedGroups)
  requireGrantTypesFit({
    grantTypes: p.grantTypes ?? current.grantTypes,
    redirectUris: p.redirectUris ?? current.redirectUris,
    isPublic: current.isPublic,
  })
  const set = applicationRowPatch(p, clock.now())
  await db
    .transaction()
    .execute(async (trx) => {
      await repo.updateApplication(trx, row.id, set)
      if (p.allowedGroups !== undefined) await allowed.replaceApplicationGroups(trx, row.id, p.allowedGroups)
      await audit.record(
        { type: 'application.updated', actorUserId, applicationId: row.id, detail: { fields: Object.keys(p) } },
        trx,
      )
    })
    .catch(groupGoneOr(deps, p.allowedGroups ?? []))
  return applicationRowToApplication({ ...row, ...set } as repo.ApplicationRow)
}

/** The groups on each application's list (issue 16), by application id; one query for the batch. */
export async function allowedGroupsOf({ db }: ReadDeps, applicationIds: readonly string[]): Promise<Group[][]> {
  const byApp = await allowed.groupsOfApplications(db, applicationIds)
  return applicationIds.map((id) => (byApp.get(id) ?? []).map(groupRowToGroup))
}

/**
 * Issue 16: whether this user may use this application. Everyone may use an application that is not
 * restricted; a restricted one only the members of a group on its list, and nobody once every group
 * on it has been deleted. The one check behind every path that gives a user tokens: the authorization
 * endpoint, the device approval, the password grant and every later exchange and refresh.
 */
export async function mayUseApplication(
  { db }: ReadDeps,
  application: Pick<Application, 'id' | 'restrictedToGroups'>,
  userId: string,
): Promise<boolean> {
  if (!application.restrictedToGroups) return true
  return allowed.isMemberOfApplicationGroups(db, application.id, userId)
}

/** The columns a parsed patch changes, and nothing else. */
export function applicationRowPatch(p: z.output<typeof ApplicationPatch>, now: number): RowPatch<'applications'> {
  return {
    ...(p.name !== undefined && { name: p.name }),
    ...(p.redirectUris !== undefined && { redirect_uris: JSON.stringify([...new Set(p.redirectUris)]) }),
    ...(p.scopes !== undefined && { scopes: joinList(p.scopes) }),
    ...(p.grantTypes !== undefined && { grant_types: joinList(p.grantTypes) }),
    ...(p.isTrusted !== undefined && { is_trusted: p.isTrusted ? 1 : 0 }),
    ...(p.canIntrospect !== undefined && { can_introspect: p.canIntrospect ? 1 : 0 }),
    ...(p.idTokenAlg !== undefined && { id_token_alg: p.idTokenAlg }),
    ...(p.refreshPolicy !== undefined && { refresh_policy: p.refreshPolicy }),
    ...(p.refreshGracePeriod !== undefined && { refresh_grace_period: p.refreshGracePeriod }),
    ...(p.tokenFormat !== undefined && { token_format: p.tokenFormat }),
    ...(p.accessTokenTtl !== undefined && { access_token_ttl: p.accessTokenTtl }),
    ...(p.refreshTokenTtl !== undefined && { refresh_token_ttl: p.refreshTokenTtl }),
    ...(p.defaultScopes !== undefined && {
      default_scopes: p.defaultScopes === null ? null : joinList(p.defaultScopes),
    }),
    ...(p.allowedGroups !== undefined && { group_restricted: p.allowedGroups.length ? 1 : 0 }),
    ...(p.logoUri !== undefined && { logo_uri: p.logoUri }),
    ...(p.clientUri !== undefined && { client_uri: p.clientUri }),
    ...(p.policyUri !== undefined && { policy_uri: p.policyUri }),
    ...(p.tosUri !== undefined && { tos_uri: p.tosUri }),
    ...(p.contacts !== undefined && { contacts: JSON.stringify(p.contacts) }),
    updated_at: now,
  }
}

export async function listApplications({ db }: ReadDeps): Promise<Application[]> {
  return (await repo.listApplications(db)).map(applicationRowToApplication)
}

export async function showApplication(deps: ReadDeps, clientId: string): Promise<Application> {
  return applicationRowToApplication(await requireByClientId(deps, clientId))
}

export async function findApplicationByClientId({ db }: ReadDeps, clientId: string): Promise<Application | undefined> {
  const row = await repo.findApplicationByClientId(db, clientId)
  return row && applicationRowToApplication(row)
}

export async function findApplicationById({ db }: ReadDeps, id: string): Promise<Application | undefined> {
  const row = await repo.findApplicationById(db, id)
  return row && applicationRowToApplication(row)
}

export async function rotateApplicationSecret(
  deps: ApplicationWriteDeps,
  clientId: string,
  actorUserId: string | null = null,
): Promise<CreatedApplication> {
  const { db, clock, audit } = deps
  const row = await requireByClientId(deps, clientId)
  if (row.is_public) throw new Invalid('a public application has no secret', 'clientId')
  const clientSecret = generateSecret('clientSecret')
  const now = clock.now()
  await db.transaction().execute(async (trx) => {
    await repo.updateApplication(trx, row.id, { client_secret_hash: sha256Hex(clientSecret), updated_at: now })
    await audit.record({ type: 'application.secret_rotated', actorUserId, applicationId: row.id }, trx)
  })
  return { application: applicationRowToApplication({ ...row, updated_at: now }), clientSecret }
}

/** Deleting cascades to codes, grants and tokens, so they stop working at once. */
export async function deleteApplication(
  deps: Omit<ApplicationWriteDeps, 'clock'>,
  clientId: string,
  actorUserId: string | null = null,
): Promise<void> {
  const { db, audit } = deps
  const row = await requireByClientId(deps, clientId)
  await db.transaction().execute(async (trx) => {
    await repo.deleteApplication(trx, row.id)
    await audit.record({ type: 'application.deleted', actorUserId, applicationId: row.id, detail: { clientId } }, trx)
  })
}

/**
 * RFC 6749 §2.3.1: checks a presented secret. A confidential application is never treated as
 * public: without a secret it fails (doorkeeper-openid_connect CVE-2026-44476).
 */
export async function authenticateClient(
  { db, clients }: ReadDeps & { clients: ClientCache },
  clientId: string,
  secret: string | undefined,
): Promise<Application | undefined> {
  const client = await clients.get(clientId, async () => {
    const row = await repo.findApplicationByClientId(db, clientId)
    return row && { secretHash: row.client_secret_hash, application: applicationRowToApplication(row) }
  })
  if (!client) {
    if (secret !== undefined) safeEqual(sha256Hex(secret), sha256Hex('')) // same work as a real check
    return undefined
  }
  const { application, secretHash } = client
  if (application.isPublic) return secret === undefined ? application : undefined
  if (secret === undefined || secretHash === null) return undefined
  return safeEqual(sha256Hex(secret), secretHash) ? application : undefined
}

/** Issue 18: the application a metadata-document client_id (an https URL) names, fetched when not fresh. */
export async function findMetadataApplication(
  deps: MetadataDocumentDeps,
  clientId: string,
  ip: string,
): Promise<Application> {
  return applicationRowToApplication(await findMetadataClient(deps, clientId, ip))
}

/**
 * The application operations bound to their dependencies (`services.applications`). The one piece
 * of state, the client authentication cache, is made here once and passed in.
 */
export function createApplicationService(
  deps: ServiceDeps,
  audit: AuditService,
  scopes: ScopeService,
  rateLimits: RateLimitService,
) {
  const bound = { ...deps, audit, scopes, clients: createClientCache(deps.db, deps.clock) }
  const metadata: MetadataDocumentDeps = {
    ...bound,
    rateLimits,
    fetchDocument: documentFetcher(deps),
    inFlight: createInFlightFetchCache(),
  }
  return {
    create: (input: z.input<typeof NewApplicationInput>, actorUserId?: string | null) =>
      createApplication(bound, input, actorUserId),
    update: (clientId: string, patch: z.input<typeof ApplicationPatch>, actorUserId?: string | null) =>
      updateApplication(bound, clientId, patch, actorUserId),
    list: () => listApplications(bound),
    show: (clientId: string) => showApplication(bound, clientId),
    findByClientId: (clientId: string) => findApplicationByClientId(bound, clientId),
    /** Issue 18: the client a metadata-document client_id (an https URL) names, fetched when not fresh. */
    findMetadataClient: (clientId: string, ip: string) => findMetadataApplication(metadata, clientId, ip),
    findById: (id: string) => findApplicationById(bound, id),
    rotateSecret: (clientId: string, actorUserId?: string | null) =>
      rotateApplicationSecret(bound, clientId, actorUserId),
    delete: (clientId: string, actorUserId?: string | null) => deleteApplication(bound, clientId, actorUserId),
    authenticate: (clientId: string, secret: string | undefined) => authenticateClient(bound, clientId, secret),
    importPreset: (preset: AppPresetName, options?: { force?: boolean; actorUserId?: string | null }) =>
      importApplicationPreset(bound, preset, options),
    allowedGroups: (applicationIds: readonly string[]) => allowedGroupsOf(bound, applicationIds),
    mayUse: (application: Pick<Application, 'id' | 'restrictedToGroups'>, userId: string) =>
      mayUseApplication(bound, application, userId),
  }
}
export type ApplicationService = ReturnType<typeof createApplicationService>
