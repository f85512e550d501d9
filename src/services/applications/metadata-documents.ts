/**
 * @module
 * Client ID Metadata Documents (issue 18; draft-ietf-oauth-client-id-metadata-document): a client_id that is
 * an https URL names the client's metadata, fetched from it (./metadata-fetch.ts). Codes, grants and tokens
 * reference applications rows, so a fetched document becomes, or refreshes, the application whose client_id is
 * that URL; `metadata_expires_at` says until when the row is used without fetching again. Such a client is
 * always public (token_endpoint_auth_method `none`, so PKCE is required) and never trusted (consent is always
 * asked, its name shown as unverified). A document that cannot be fetched or read is refused, and nothing about
 * the failure is remembered: the next request fetches again.
 */
import { newId } from '../../crypto/ids.ts'
import * as repo from '../../store/repositories/applications.ts'
import type { AuditService } from '../shared/audit.ts'
import type { ServiceDeps } from '../shared/deps.ts'
import { Invalid } from '../shared/errors.ts'
import { joinList } from '../shared/lists.ts'
import type { ScopeService } from '../scopes/scopes.ts'
import type { RateLimitService } from '../shared/rate-limits.ts'
import { redirectUriProblem } from './redirect-uris.ts'
import { webUriProblem } from './inputs.ts'
import {
  checkDocumentUrl,
  type FetchedDocument,
  fetchMetadataDocument,
  MetadataFetchRefused,
} from './metadata-fetch.ts'

/** Longer client_id URLs are refused before anything is fetched. */
export const MAX_CLIENT_ID_URL = 2000
const MAX_NAME = 100
const MAX_REDIRECT_URIS = 20
/** The grant types such a client may have; any other a document declares is ignored. */
const OFFERED_GRANTS = ['authorization_code', 'refresh_token'] as const
/** §4.1: no shared secret can exist between a server and a client it has never met. */
const SHARED_SECRET_METHODS = new Set(['client_secret_basic', 'client_secret_post', 'client_secret_jwt'])

/**
 * Why a client named by a metadata document is refused. Interfaces answer it with `invalid_client`
 * (the description is this message; `detail` goes to the server's log only).
 */
export class ClientMetadataRefused extends Invalid {
  constructor(
    message: string,
    readonly detail?: string,
  ) {
    super(message, 'client_id')
  }

  /** What the server logs: the reason and its detail (an address, a status), never a secret. */
  get logLine(): string {
    return this.detail ? `${this.message} (${this.detail})` : this.message
  }
}

/** Too many documents fetched for one address: answered 429 with Retry-After. */
export class MetadataFetchLimited extends ClientMetadataRefused {
  constructor(readonly retryAfter: number) {
    super('too many client ID metadata documents fetched from this address; try again later')
  }
}

/** Whether a client_id names a metadata document: an http(s) URL (http ones are then refused, §3). */
export function isMetadataDocumentId(clientId: string): boolean {
  return /^https?:\/\//i.test(clientId)
}

/** What Latchkey keeps of a document. */
export interface ClientMetadata {
  name: string
  redirectUris: string[]
  grantTypes: string[]
  scopes: string[]
  /** RFC 7591 §2 links shown on consent (as unverified); an unusable one is left out, not fatal. */
  links: { logoUri: string | null; clientUri: string | null; policyUri: string | null; tosUri: string | null }
  contacts: string[]
}

/**
 * The document's metadata as an application (§4.1, RFC 7591 §2), or ClientMetadataRefused naming the field.
 * Grant types and auth methods Latchkey does not offer are ignored, not fatal (agents declare some).
 */
export function readClientMetadata(
  clientId: string,
  doc: Record<string, unknown>,
  offeredScopes: readonly string[],
): ClientMetadata {
  const refuse = (why: string) => new ClientMetadataRefused(`metadata document: ${why}`)
  // §4.1: simple string comparison with the URL it was fetched from.
  if (doc.client_id !== clientId) throw refuse('its client_id must equal the URL it was fetched from, exactly')
  if (doc.client_secret !== undefined || doc.client_secret_expires_at !== undefined)
    throw refuse('client_secret must not be used with a client ID metadata document')
  const method = doc.token_endpoint_auth_method
  if (typeof method === 'string' && SHARED_SECRET_METHODS.has(method))
    throw refuse(`token_endpoint_auth_method ${method} needs a shared secret, which a metadata document cannot have`)
  if (method === 'private_key_jwt')
    throw refuse('token_endpoint_auth_method private_key_jwt is not supported here; use none (a public client)')
  const uris = doc.redirect_uris
  if (!Array.isArray(uris) || uris.length === 0 || !uris.every((u) => typeof u === 'string'))
    throw refuse('redirect_uris must be a non-empty array of strings')
  if (uris.length > MAX_REDIRECT_URIS) throw refuse(`redirect_uris may hold at most ${MAX_REDIRECT_URIS} URIs`)
  for (const uri of uris as string[]) {
    const problem = redirectUriProblem(uri)
    if (problem) throw refuse(`redirect URI ${JSON.stringify(uri.slice(0, 100))} ${problem}`)
  }
  const declared = Array.isArray(doc.grant_types) ? doc.grant_types : ['authorization_code'] // RFC 7591 §2 default
  const grantTypes = OFFERED_GRANTS.filter((g) => declared.includes(g))
  if (!grantTypes.includes('authorization_code'))
    throw refuse('grant_types must include authorization_code, the only flow offered to such clients')
  const wanted = typeof doc.scope === 'string' ? doc.scope.split(' ').filter(Boolean) : undefined
  return {
    name: clientName(doc.client_name, clientId),
    redirectUris: [...new Set(uris as string[])],
    grantTypes,
    scopes: wanted ? offeredScopes.filter((s) => wanted.includes(s)) : [...offeredScopes],
    links: {
      logoUri: httpsLink(doc.logo_uri),
      clientUri: httpsLink(doc.client_uri),
      policyUri: httpsLink(doc.policy_uri),
      tosUri: httpsLink(doc.tos_uri),
    },
    contacts: Array.isArray(doc.contacts)
      ? doc.contacts.filter((c): c is string => typeof c === 'string' && c.length <= 320).slice(0, 10)
      : [],
  }
}

/** A link the document gives, kept only when it is an https URL by the same rules as an administrator's. */
function httpsLink(value: unknown): string | null {
  return typeof value === 'string' && value.startsWith('https://') && !webUriProblem(value) ? value : null
}

/** The document's client_name, cleaned of control characters and cut short; the URL's host without one. */
function clientName(name: unknown, clientId: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  const clean = typeof name === 'string' ? name.replace(/[\u0000-\u001f\u007f]/g, '').trim() : ''
  return clean ? clean.slice(0, MAX_NAME) : new URL(clientId).host
}

export type MetadataDocumentDeps = Pick<ServiceDeps, 'db' | 'clock' | 'config'> & {
  audit: Pick<AuditService, 'record'>
  scopes: Pick<ScopeService, 'unknownNames'>
  rateLimits: Pick<RateLimitService, 'hit'>
  /** Fetches a document; the real one (./metadata-fetch.ts) unless a test gives another. */
  fetchDocument: (clientId: string) => Promise<FetchedDocument>
  /** Fetches under way, by client_id: concurrent requests for one client share one fetch. */
  inFlight: Map<string, Promise<repo.ApplicationRow>>
}

/** Fetches under way, by client_id (the one piece of state; made once per services bag). */
export function createInFlightFetchCache(): Map<string, Promise<repo.ApplicationRow>> {
  return new Map()
}

/** The real fetcher with the operator's settings. */
export function documentFetcher(deps: Pick<ServiceDeps, 'config' | 'clock' | 'resolveHost'>) {
  const { config, clock, resolveHost } = deps
  return (clientId: string) =>
    fetchMetadataDocument(clientId, {
      allowHosts: config.metadataDocumentAllowHosts,
      ca: config.metadataDocumentCa,
      now: () => clock.now(),
      ...(resolveHost && { resolve: resolveHost }),
    })
}

/**
 * The application a metadata-document client_id names, fetched again when its cached copy has expired.
 * Throws ClientMetadataRefused when the feature is off or the document cannot be used, MetadataFetchLimited
 * when `ip` (the requester's address) has had too many documents fetched lately.
 */
export async function findMetadataClient(
  deps: MetadataDocumentDeps,
  clientId: string,
  ip: string,
): Promise<repo.ApplicationRow> {
  if (!deps.config.metadataDocuments)
    throw new ClientMetadataRefused('this server does not accept client ID metadata documents (URL client_ids)')
  if (clientId.length > MAX_CLIENT_ID_URL)
    throw new ClientMetadataRefused(`a client_id URL may be at most ${MAX_CLIENT_ID_URL} characters`)
  // A URL that could never be fetched is refused before anything else, and costs the requester nothing.
  try {
    checkDocumentUrl(clientId, deps.config.metadataDocumentAllowHosts)
  } catch (e) {
    if (e instanceof MetadataFetchRefused) throw new ClientMetadataRefused(e.message, e.detail)
    throw e
  }
  const row = await repo.findApplicationByClientId(deps.db, clientId)
  // An application an administrator made keeps its own rules (client ids cannot hold "://" today).
  if (row && row.metadata_fetched_at === null) return row
  if (row && (row.metadata_expires_at ?? 0) > deps.clock.now()) return row
  const pending = deps.inFlight.get(clientId)
  if (pending) return pending
  // Only fetches count: a stranger may not make this server request URLs of its choosing in a flood.
  const wait = await deps.rateLimits.hit('metadataFetchPerIp', ip)
  if (wait > 0) throw new MetadataFetchLimited(wait)
  const work = refresh(deps, clientId).finally(() => deps.inFlight.delete(clientId))
  deps.inFlight.set(clientId, work)
  return work
}

async function refresh(deps: MetadataDocumentDeps, clientId: string): Promise<repo.ApplicationRow> {
  let fetched: FetchedDocument
  try {
    fetched = await deps.fetchDocument(clientId)
  } catch (e) {
    if (e instanceof MetadataFetchRefused) throw new ClientMetadataRefused(e.message, e.detail)
    throw e
  }
  const known = deps.config.metadataDocumentScopes
  const unknown = new Set(await deps.scopes.unknownNames(known))
  const meta = readClientMetadata(
    clientId,
    fetched.document,
    known.filter((s) => !unknown.has(s)),
  )
  const now = deps.clock.now()
  const set = {
    name: meta.name,
    redirect_uris: JSON.stringify(meta.redirectUris),
    scopes: joinList(meta.scopes),
    grant_types: joinList(meta.grantTypes),
    logo_uri: meta.links.logoUri,
    client_uri: meta.links.clientUri,
    policy_uri: meta.links.policyUri,
    tos_uri: meta.links.tosUri,
    contacts: JSON.stringify(meta.contacts),
    metadata_fetched_at: now,
    metadata_expires_at: now + fetched.cacheSeconds,
    updated_at: now,
  }
  return deps.db
    .transaction()
    .execute(async (trx) => {
      const existing = await repo.findApplicationByClientId(trx, clientId)
      if (existing) {
        await repo.updateApplication(trx, existing.id, set)
        return { ...existing, ...set }
      }
      const row = newMetadataRow(clientId, set, now)
      await repo.insertApplication(trx, row)
      await deps.audit.record(
        { type: 'application.created', applicationId: row.id, detail: { clientId, via: 'metadata_document' } },
        trx,
      )
      return row
    })
    .catch(async (e: unknown) => {
      // Another instance made the row first (the unique index said so): its copy of the document is as good.
      const again = repo.isClientIdTaken(e) ? await repo.findApplicationByClientId(deps.db, clientId) : undefined
      if (again) return again
      throw e
    })
}

function newMetadataRow(
  clientId: string,
  set: Pick<
    repo.ApplicationRow,
    | 'name'
    | 'redirect_uris'
    | 'scopes'
    | 'grant_types'
    | 'logo_uri'
    | 'client_uri'
    | 'policy_uri'
    | 'tos_uri'
    | 'contacts'
    | 'metadata_fetched_at'
    | 'metadata_expires_at'
  >,
  now: number,
): repo.ApplicationRow {
  return {
    id: newId(),
    client_id: clientId,
    client_secret_hash: null,
    owner_id: null,
    is_public: 1,
    is_trusted: 0,
    token_format: 'opaque',
    id_token_alg: 'RS256',
    access_token_ttl: null,
    refresh_token_ttl: null,
    can_introspect: 0,
    allow_plain_pkce: 0,
    refresh_policy: 'always',
    default_scopes: null,
    refresh_grace_period: 0,
    group_restricted: 0,
    registration: 'metadata_document',
    token_endpoint_auth_method: 'none',
    registration_token_hash: null,
    grant_completed_at: null,
    created_at: now,
    updated_at: now,
    ...set,
  }
}
