/**
 * @module
 * Dynamic client registration (RFC 7591) and management (RFC 7592), issue 18. Who may register is the
 * operator's `registrationPolicy`: `off`; `token`: whoever presents an initial access token, within its
 * ceilings (./initial-access-tokens.ts); `open`: anyone, but only a public client (no secret, so PKCE),
 * the authorization-code grant (and refresh tokens), and scopes marked open to self-registration. A
 * registered client gets a registration access token (SHA-256 stored, compared in constant time,
 * rotated on every update) that reads, replaces or deletes its own registration and nothing else.
 * Self-registered clients that never obtain a token are purged (services/operations/purge.ts).
 *
 * Refusals are domain errors naming the RFC field: Invalid(field) for metadata, Forbidden with field
 * `initial_access_token` or `registration_access_token` for a token that does not open the door; the
 * endpoint (oauth/endpoints/register.ts) answers them with the RFC codes.
 */
import type { z } from 'zod'
import { generateSecret, safeEqual, sha256Hex } from '../../crypto/secrets.ts'
import type { Db } from '../../store/database.ts'
import * as repo from '../../store/repositories/applications.ts'
import {
  type Application,
  applicationRowToApplication,
  insertNewApplication,
  newApplicationRow,
  parseNewApplication,
} from '../applications/applications.ts'
import type { AuditService } from '../shared/audit.ts'
import type { ServiceDeps } from '../shared/deps.ts'
import { DomainError, Forbidden, Invalid } from '../shared/errors.ts'
import { joinList } from '../shared/lists.ts'
import type { ScopeService } from '../scopes/scopes.ts'
import {
  createInitialAccessToken,
  findUsableInitialAccessToken,
  type InitialAccessToken,
  listInitialAccessTokens,
  type NewInitialAccessTokenInput,
  revokeInitialAccessToken,
  useInitialAccessToken,
} from './initial-access-tokens.ts'
import { type ClientMetadata, parseClientMetadata } from './metadata.ts'

/** Grant types a client registering itself without an initial access token may name (policy `open`). */
const OPEN_GRANT_TYPES = ['authorization_code', 'refresh_token']

export type RegistrationDeps = Pick<ServiceDeps, 'db' | 'clock' | 'config'> & {
  audit: Pick<AuditService, 'record'>
  scopes: Pick<ScopeService, 'all' | 'unknownNames'>
}

/** A registration as the client sees it: its application, and the secrets shown in this answer only. */
export interface Registered {
  application: Application
  /** Confidential clients, at registration only. */
  clientSecret: string | null
  /** New at registration and at every update; absent when reading. */
  registrationAccessToken: string | null
}

/** Whose rules a registration follows: an initial access token's ceilings, or the open policy's. */
type Ceiling = { kind: 'token'; token: InitialAccessToken } | { kind: 'open'; scopes: string[] }

function refuseToken(message: string): never {
  throw new Forbidden(message, 'initial_access_token')
}

/** What the presented initial access token (or its absence) allows under the configured policy. */
async function ceilingFor(deps: RegistrationDeps, initialAccessToken: string | undefined): Promise<Ceiling> {
  const policy = deps.config.registrationPolicy
  if (policy === 'off') throw new Forbidden('client registration is not enabled on this server', 'policy')
  if (initialAccessToken !== undefined) {
    const token = await findUsableInitialAccessToken(deps, initialAccessToken, deps.clock.now())
    if (!token) refuseToken('the initial access token is invalid, expired, used up or revoked')
    return { kind: 'token', token }
  }
  if (policy === 'token') throw new Forbidden('an initial access token is required (RFC 7591 §3)', 'missing_token')
  const open = (await deps.scopes.all()).filter((s) => s.selfRegistration).map((s) => s.name)
  return { kind: 'open', scopes: open }
}

type FittedMetadata = ClientMetadata & {
  tokenEndpointAuthMethod: NonNullable<ClientMetadata['tokenEndpointAuthMethod']>
  scopes: string[]
}

/** The metadata within the ceiling, with the policy's substitutions (RFC 7591 §3.2.1 allows them). */
async function fitCeiling(deps: RegistrationDeps, m: ClientMetadata, ceiling: Ceiling): Promise<FittedMetadata> {
  const allowedScopes = ceiling.kind === 'token' ? ceiling.token.scopes : ceiling.scopes
  const allowedGrants = ceiling.kind === 'token' ? ceiling.token.grantTypes : OPEN_GRANT_TYPES
  const method = m.tokenEndpointAuthMethod ?? (ceiling.kind === 'open' ? 'none' : 'client_secret_basic')
  if (ceiling.kind === 'open') {
    if (method !== 'none')
      throw new Invalid(
        'token_endpoint_auth_method: only public clients ("none") may register without an initial access token',
        'token_endpoint_auth_method',
      )
    if (!m.grantTypes.includes('authorization_code'))
      throw new Invalid(
        'grant_types: a client registering without an initial access token must use authorization_code',
        'grant_types',
      )
  }
  const outsideGrants = m.grantTypes.filter((g) => !allowedGrants.includes(g))
  if (outsideGrants.length)
    throw new Invalid(
      `grant_types: not allowed ${ceiling.kind === 'open' ? 'without an initial access token' : 'by this token'}: ` +
        outsideGrants.join(' '),
      'grant_types',
    )
  if (method === 'none' && m.grantTypes.includes('client_credentials'))
    throw new Invalid('grant_types: client_credentials needs a confidential client (RFC 6749 §4.4)', 'grant_types')
  const scopes = m.scopes ?? allowedScopes
  const unknown = await deps.scopes.unknownNames(scopes)
  if (unknown.length) throw new Invalid(`scope: unknown scope(s): ${unknown.join(' ')}`, 'scope')
  const outside = scopes.filter((s) => !allowedScopes.includes(s))
  if (outside.length)
    throw new Invalid(
      `scope: not open to ${ceiling.kind === 'open' ? 'self-registration' : 'this initial access token'}: ` +
        outside.join(' '),
      'scope',
    )
  return { ...m, tokenEndpointAuthMethod: method, scopes }
}

/** The application's settings from registered metadata, checked once more by the applications' own rule. */
function applicationInput(m: ClientMetadata & { scopes: string[] }, isPublic: boolean) {
  try {
    return parseNewApplication({
      name: m.clientName ?? 'Unnamed client',
      redirectUris: m.redirectUris,
      scopes: m.scopes,
      grantTypes: m.grantTypes as never,
      isPublic,
      idTokenAlg: m.idTokenSignedResponseAlg ?? 'RS256',
      logoUri: m.logoUri,
      clientUri: m.clientUri,
      policyUri: m.policyUri,
      tosUri: m.tosUri,
      contacts: m.contacts,
    })
  } catch (e) {
    // The metadata checks above cover the same rules; this names a field should they ever drift.
    if (e instanceof DomainError) throw new Invalid(e.message, 'client_metadata')
    throw e
  }
}

/** RFC 7591 §3: registers a client; `body` is the request's JSON object. */
export async function registerClient(
  deps: RegistrationDeps,
  body: Record<string, unknown>,
  { initialAccessToken, ip }: { initialAccessToken?: string; ip?: string | null },
): Promise<Registered> {
  const ceiling = await ceilingFor(deps, initialAccessToken)
  const metadata = await fitCeiling(deps, parseClientMetadata(body), ceiling)
  const isPublic = metadata.tokenEndpointAuthMethod === 'none'
  const parsed = applicationInput(metadata, isPublic)
  const clientSecret = isPublic ? null : generateSecret('clientSecret')
  const registrationAccessToken = generateSecret('registrationAccessToken')
  const now = deps.clock.now()
  const row = {
    ...newApplicationRow(parsed, clientSecret, now, null),
    registration: 'dynamic',
    token_endpoint_auth_method: metadata.tokenEndpointAuthMethod,
    registration_token_hash: sha256Hex(registrationAccessToken),
  }
  await deps.db.transaction().execute(async (trx) => {
    if (ceiling.kind === 'token' && !(await useInitialAccessToken(trx, ceiling.token.id, now)))
      refuseToken('the initial access token is invalid, expired, used up or revoked')
    await insertNewApplication(trx, row)
    await deps.audit.record(
      {
        type: 'application.registered',
        applicationId: row.id,
        ip: ip ?? null,
        detail: {
          clientId: row.client_id,
          policy: ceiling.kind,
          ...(ceiling.kind === 'token' && { initialAccessTokenId: ceiling.token.id }),
        },
      },
      trx,
    )
  })
  return { application: applicationRowToApplication(row), clientSecret, registrationAccessToken }
}

/**
 * RFC 7592 §2: the self-registered application this registration access token belongs to. Any other
 * answer (no such client, not self-registered, another client's token, a wrong token) is the same
 * Forbidden, after the same work, so the endpoint says only "invalid_token".
 */
async function requireOwnRegistration(
  { db }: Pick<ServiceDeps, 'db'>,
  clientId: string,
  token: string | undefined,
): Promise<repo.ApplicationRow> {
  const row = clientId ? await repo.findApplicationByClientId(db, clientId) : undefined
  const presented = sha256Hex(token ?? '')
  const stored = row?.registration === 'dynamic' ? row.registration_token_hash : null
  const matches = safeEqual(presented, stored ?? sha256Hex(`\u0000${presented}`))
  if (!row || !stored || token === undefined || !matches)
    throw new Forbidden('the registration access token is invalid for this client', 'registration_access_token')
  return row
}

/** RFC 7592 §2.1: the client's current registration; the token is not rotated by a read. */
export async function readRegistration(
  deps: Pick<ServiceDeps, 'db'>,
  clientId: string,
  token: string | undefined,
): Promise<Registered> {
  const row = await requireOwnRegistration(deps, clientId, token)
  return { application: applicationRowToApplication(row), clientSecret: null, registrationAccessToken: null }
}

/** RFC 7592 §2.2: fields a client must not send in an update. */
const NOT_IN_UPDATE = [
  'registration_access_token',
  'registration_client_uri',
  'client_secret_expires_at',
  'client_id_issued_at',
]

/**
 * RFC 7592 §2.2: replaces the client's metadata with what it sends, under the same checks as a
 * registration. It can never widen what it was registered with: its scopes and grant types stay within
 * the current ones, and a public client stays public (a confidential one confidential). Omitted
 * `scope` and `token_endpoint_auth_method` keep their current values (the server's substitution,
 * RFC 7591 §3.2.1); other omitted fields are cleared or take their defaults. The registration access
 * token is replaced. Omitted `grant_types` keep theirs too, since the RFC default (authorization_code)
 * may be one the client was never registered for.
 */
export async function updateRegistration(
  deps: RegistrationDeps,
  clientId: string,
  token: string | undefined,
  body: Record<string, unknown>,
  ip: string | null = null,
): Promise<Registered> {
  const row = await requireOwnRegistration(deps, clientId, token)
  const current = applicationRowToApplication(row)
  if (body.client_id !== clientId)
    throw new Invalid('client_id: must be present and equal to the client identifier (RFC 7592 §2.2)', 'client_id')
  for (const field of NOT_IN_UPDATE)
    if (body[field] !== undefined) throw new Invalid(`${field}: must not be sent in an update (RFC 7592 §2.2)`, field)
  if (body.client_secret !== undefined) {
    const presented = typeof body.client_secret === 'string' ? sha256Hex(body.client_secret) : ''
    if (current.isPublic || !row.client_secret_hash || !safeEqual(presented, row.client_secret_hash))
      throw new Invalid('client_secret: must equal the current client secret (RFC 7592 §2.2)', 'client_secret')
  }
  // An omitted grant_types keeps the current ones rather than the RFC default, which may be one it lacks.
  const m = parseClientMetadata(body.grant_types === undefined ? { ...body, grant_types: current.grantTypes } : body)
  const currentMethod = row.token_endpoint_auth_method ?? (current.isPublic ? 'none' : 'client_secret_basic')
  const method = m.tokenEndpointAuthMethod ?? currentMethod
  if ((method === 'none') !== current.isPublic)
    throw new Invalid(
      `token_endpoint_auth_method: a ${current.isPublic ? 'public' : 'confidential'} client stays one; ` +
        'register a new client instead',
      'token_endpoint_auth_method',
    )
  const widerGrants = m.grantTypes.filter((g) => !current.grantTypes.includes(g))
  if (widerGrants.length)
    throw new Invalid(`grant_types: not registered for this client: ${widerGrants.join(' ')}`, 'grant_types')
  const scopes = m.scopes ?? current.scopes
  const widerScopes = scopes.filter((s) => !current.scopes.includes(s))
  if (widerScopes.length) throw new Invalid(`scope: not registered for this client: ${widerScopes.join(' ')}`, 'scope')
  const parsed = applicationInput({ ...m, scopes }, current.isPublic)
  const registrationAccessToken = generateSecret('registrationAccessToken')
  const set = {
    name: parsed.name,
    redirect_uris: JSON.stringify([...new Set(parsed.redirectUris)]),
    scopes: joinList(parsed.scopes),
    grant_types: joinList(parsed.grantTypes),
    id_token_alg: parsed.idTokenAlg,
    logo_uri: parsed.logoUri ?? null,
    client_uri: parsed.clientUri ?? null,
    policy_uri: parsed.policyUri ?? null,
    tos_uri: parsed.tosUri ?? null,
    contacts: JSON.stringify(parsed.contacts),
    token_endpoint_auth_method: method,
    registration_token_hash: sha256Hex(registrationAccessToken),
    updated_at: deps.clock.now(),
  }
  await deps.db.transaction().execute(async (trx) => {
    await repo.updateApplication(trx, row.id, set)
    await deps.audit.record(
      { type: 'application.registration_updated', applicationId: row.id, ip, detail: { clientId } },
      trx,
    )
  })
  return {
    application: applicationRowToApplication({ ...row, ...set }),
    clientSecret: null,
    registrationAccessToken,
  }
}

/** RFC 7592 §2.3: the client deletes itself; its codes, grants and tokens go with it. */
export async function deleteRegistration(
  deps: Pick<RegistrationDeps, 'db' | 'audit'>,
  clientId: string,
  token: string | undefined,
  ip: string | null = null,
): Promise<void> {
  const row = await requireOwnRegistration(deps, clientId, token)
  await deps.db.transaction().execute(async (trx) => {
    await repo.deleteApplication(trx, row.id)
    await deps.audit.record(
      { type: 'application.registration_deleted', applicationId: row.id, ip, detail: { clientId } },
      trx,
    )
  })
}

/**
 * Deletes self-registered applications registered at or before `cutoff` that never obtained a token,
 * up to `limit`, each with an audit event; resolves to how many went.
 */
export async function purgeUnusedRegistrations(
  deps: Pick<RegistrationDeps, 'db' | 'audit'>,
  cutoff: number,
  limit: number,
): Promise<number> {
  const rows = await repo.unusedSelfRegistered(deps.db, cutoff, limit)
  let deleted = 0
  for (const row of rows) {
    await deps.db.transaction().execute(async (trx: Db) => {
      if (!(await repo.deleteUnusedSelfRegistered(trx, row.id))) return
      deleted++
      await deps.audit.record(
        {
          type: 'application.purged',
          applicationId: row.id,
          detail: { clientId: row.client_id, reason: 'self-registered and never obtained a token' },
        },
        trx,
      )
    })
  }
  return deleted
}

/** Registration and initial access tokens bound to their dependencies (`services.registration`). */
export function createRegistrationService(
  deps: ServiceDeps,
  audit: Pick<AuditService, 'record'>,
  scopes: Pick<ScopeService, 'all' | 'unknownNames'>,
) {
  const bound = { ...deps, audit, scopes }
  return {
    /** The configured policy, for discovery and the endpoint. */
    policy: () => deps.config.registrationPolicy,
    register: (body: Record<string, unknown>, options: { initialAccessToken?: string; ip?: string | null }) =>
      registerClient(bound, body, options),
    read: (clientId: string, token: string | undefined) => readRegistration(bound, clientId, token),
    update: (clientId: string, token: string | undefined, body: Record<string, unknown>, ip?: string | null) =>
      updateRegistration(bound, clientId, token, body, ip),
    delete: (clientId: string, token: string | undefined, ip?: string | null) =>
      deleteRegistration(bound, clientId, token, ip),
    purgeUnused: (cutoff: number, limit: number) => purgeUnusedRegistrations(bound, cutoff, limit),
    createToken: (input: z.input<typeof NewInitialAccessTokenInput>, actorUserId?: string | null) =>
      createInitialAccessToken(bound, input, actorUserId),
    listTokens: () => listInitialAccessTokens(bound),
    revokeToken: (id: string, actorUserId?: string | null) => revokeInitialAccessToken(bound, id, actorUserId),
  }
}
export type RegistrationService = ReturnType<typeof createRegistrationService>
