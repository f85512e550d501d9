/**
 * @module
 * RFC 8707 resource indicators: the resource servers an operator registers (a name, the absolute URI
 * clients send as `resource`, the scopes it accepts, opaque or RFC 9068 JWT access tokens, and an
 * optional access token lifetime). A token request names at most one of them and its access token is
 * restricted to it (`aud`). Functions with their dependencies named as parameters (like
 * scopes/scopes.ts); the remembered table is one of them (createResourceCache), bound by
 * createResourceService.
 */
import { z } from 'zod'
import type { Clock } from '../../clock.ts'
import { newId } from '../../crypto/ids.ts'
import { type Cache, createCache } from '../../store/cache.ts'
import type { Db } from '../../store/database.ts'
import * as repo from '../../store/repositories/resources.ts'
import type { AuditService } from '../shared/audit.ts'
import type { ServiceDeps } from '../shared/deps.ts'
import { Conflict, Invalid, NotFound, parseOrInvalid } from '../shared/errors.ts'
import { joinList, splitList } from '../shared/lists.ts'

export type AccessTokenFormat = 'opaque' | 'jwt'

export interface Resource {
  id: string
  name: string
  uri: string
  scopes: string[]
  tokenFormat: AccessTokenFormat
  /** Seconds; null: the default (see accessTokenLifetime). */
  accessTokenTtl: number | null
  createdAt: number
  updatedAt: number
}

/**
 * Scopes about the user and the grant itself rather than about a resource: they decide the ID token,
 * userinfo's claims and the refresh token, so they may be asked beside any resource without it
 * accepting them (they reach a resource's access token only when it does).
 */
export const IDENTITY_SCOPES: readonly string[] = ['openid', 'profile', 'email', 'groups', 'offline_access']

/** RFC 9068 §2.2.1 leaves the lifetime to the server; short, since offline verifiers see no revocation. */
export const DEFAULT_JWT_ACCESS_TOKEN_TTL = 300

/**
 * RFC 8707 §2: "an absolute URI ... MUST NOT include a fragment component"; the registry also refuses
 * a query (§2: SHOULD NOT), so a URI is one canonical string (`new URL().href`), or undefined.
 */
export function canonicalResourceUri(value: string): string | undefined {
  if (value.length > 2000 || value.includes('#') || /\s/.test(value)) return undefined
  if (!URL.canParse(value)) return undefined
  const url = new URL(value)
  if (url.username || url.password) return undefined
  return url.href
}

const ResourceName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'must be lower-case letters, digits, ".", "_" or "-"')
/** The first rule of RFC 8707 §2 (and of the registry) a URI breaks, or undefined. */
function uriProblem(v: string): string | undefined {
  if (v.includes('#')) return 'must not have a fragment (RFC 8707 §2)'
  if (!URL.canParse(v)) return 'must be an absolute URI (RFC 8707 §2)'
  const url = new URL(v)
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an https (or http) URI'
  if (url.search || v.includes('?')) return 'must not have a query (RFC 8707 §2)'
  if (canonicalResourceUri(v) === undefined) return 'must be an absolute URI without credentials or spaces'
  return undefined
}
const ResourceUri = z
  .string()
  .max(2000)
  .superRefine((v, ctx) => {
    const problem = uriProblem(v)
    if (problem) ctx.addIssue({ code: 'custom', message: problem })
  })
  .transform((v) => canonicalResourceUri(v) ?? v)
const ScopeList = z
  .array(
    z
      .string()
      .min(1)
      .max(100)
      .regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/),
  )
  .max(100)
const Ttl = z.number().int().min(30).max(86_400).nullable()

export const ResourceInput = z.object({
  name: ResourceName,
  uri: ResourceUri,
  scopes: ScopeList.default([]),
  tokenFormat: z.enum(['opaque', 'jwt']).default('opaque'),
  accessTokenTtl: Ttl.default(null),
})
/** No defaults: a patch leaves unnamed fields alone. */
export const ResourcePatch = z.object({
  uri: ResourceUri.optional(),
  scopes: ScopeList.optional(),
  tokenFormat: z.enum(['opaque', 'jwt']).optional(),
  accessTokenTtl: Ttl.optional(),
})

interface ResourceTable {
  all: Resource[]
  byUri: Map<string, Resource>
}

export type ResourceCache = Cache<'all', ResourceTable>
export function createResourceCache(db: Db, clock: Clock): ResourceCache {
  return createCache<'all', ResourceTable>(db, { tables: ['resources'], postgresMaxAge: 5, now: () => clock.now() })
}

export type ResourceReadDeps = Pick<ServiceDeps, 'db'> & { resourceCache: ResourceCache }
export type ResourceWriteDeps = ResourceReadDeps &
  Pick<ServiceDeps, 'clock'> & {
    audit: Pick<AuditService, 'record'>
    scopes: { unknownNames: (names: readonly string[]) => Promise<string[]> }
  }

function fromRow(r: repo.ResourceRow): Resource {
  return {
    id: r.id,
    name: r.name,
    uri: r.uri,
    scopes: splitList(r.scopes),
    tokenFormat: r.token_format === 'jwt' ? 'jwt' : 'opaque',
    accessTokenTtl: r.access_token_ttl,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }
}

async function loaded({ db, resourceCache }: ResourceReadDeps): Promise<ResourceTable> {
  return (await resourceCache.get('all', async () => {
    const all = (await repo.listResources(db)).map(fromRow)
    return { all, byUri: new Map(all.map((r) => [r.uri, r])) }
  }))!
}

export async function listResources(deps: ResourceReadDeps): Promise<Resource[]> {
  return (await loaded(deps)).all
}

/** By name, or by URI (as clients send it). */
export async function findResource(deps: ResourceReadDeps, nameOrUri: string): Promise<Resource | undefined> {
  const table = await loaded(deps)
  const uri = canonicalResourceUri(nameOrUri)
  return table.all.find((r) => r.name === nameOrUri) ?? (uri === undefined ? undefined : table.byUri.get(uri))
}

export type TargetCheck = { ok: true; resources: Resource[] } | { ok: false; reason: string }

/**
 * RFC 8707 §2: the `resource` values of a request (repeated parameters arrive space-joined,
 * handler/params.ts), each an absolute URI without a fragment naming a registered resource; anything
 * else is `invalid_target`. No value: an empty list, and no read of the registry.
 */
export async function resolveTargets(deps: ResourceReadDeps, value: string | undefined): Promise<TargetCheck> {
  const values = splitList(value)
  if (values.length === 0) return { ok: true, resources: [] }
  if (values.length > 10) return { ok: false, reason: 'too many resource parameters' }
  const table = await loaded(deps)
  const found: Resource[] = []
  for (const v of values) {
    const uri = canonicalResourceUri(v)
    if (uri === undefined) return { ok: false, reason: 'resource must be an absolute URI without a fragment' }
    const resource = table.byUri.get(uri)
    if (!resource) return { ok: false, reason: `unknown resource: ${uri}` }
    if (!found.includes(resource)) found.push(resource)
  }
  return { ok: true, resources: found }
}

/** The registered resources behind stored URIs; a URI no longer registered is left out. */
export async function resourcesByUri(deps: ResourceReadDeps, uris: readonly string[]): Promise<Resource[]> {
  if (uris.length === 0) return []
  const table = await loaded(deps)
  return uris.flatMap((u) => table.byUri.get(u) ?? [])
}

async function checkScopes(deps: ResourceWriteDeps, scopes: readonly string[]): Promise<void> {
  const unknown = await deps.scopes.unknownNames(scopes)
  if (unknown.length) throw new Invalid(`scopes: unknown scope(s): ${unknown.join(', ')}`, 'scopes')
}

async function checkUriFree(deps: ResourceReadDeps, uri: string, id: string | null): Promise<void> {
  const other = (await loaded(deps)).byUri.get(uri)
  if (other && other.id !== id) throw new Conflict(`uri is already registered as ${other.name}`, 'uri')
}

export async function createResource(
  deps: ResourceWriteDeps,
  input: z.input<typeof ResourceInput>,
  actorUserId: string | null = null,
): Promise<Resource> {
  const { db, clock, audit } = deps
  const r = parseOrInvalid(ResourceInput, input)
  if ((await listResources(deps)).some((x) => x.name === r.name))
    throw new Conflict(`resource ${r.name} already exists`, 'name')
  await checkUriFree(deps, r.uri, null)
  await checkScopes(deps, r.scopes)
  const now = clock.now()
  const row = {
    id: newId(),
    name: r.name,
    uri: r.uri,
    scopes: joinList(r.scopes),
    token_format: r.tokenFormat,
    access_token_ttl: r.accessTokenTtl,
    created_at: now,
    updated_at: now,
  }
  await db.transaction().execute(async (trx) => {
    await repo.insertResource(trx, row)
    await audit.record({ type: 'resource.created', actorUserId, detail: { name: r.name, uri: r.uri } }, trx)
  })
  return fromRow(row)
}

async function existing(deps: ResourceReadDeps, name: string): Promise<Resource> {
  const found = (await listResources(deps)).find((r) => r.name === name)
  if (!found) throw new NotFound(`no resource named ${name}`, 'name')
  return found
}

export async function updateResource(
  deps: ResourceWriteDeps,
  name: string,
  patch: z.input<typeof ResourcePatch>,
  actorUserId: string | null = null,
): Promise<Resource> {
  const { db, clock, audit } = deps
  const p = parseOrInvalid(ResourcePatch, patch)
  const current = await existing(deps, name)
  if (p.uri !== undefined) await checkUriFree(deps, p.uri, current.id)
  if (p.scopes !== undefined) await checkScopes(deps, p.scopes)
  const now = clock.now()
  await db.transaction().execute(async (trx) => {
    await repo.updateResource(trx, current.id, {
      ...(p.uri !== undefined && { uri: p.uri }),
      ...(p.scopes !== undefined && { scopes: joinList(p.scopes) }),
      ...(p.tokenFormat !== undefined && { token_format: p.tokenFormat }),
      ...(p.accessTokenTtl !== undefined && { access_token_ttl: p.accessTokenTtl }),
      updated_at: now,
    })
    // A resource moved to another URI: tokens for the old one are not for it any more.
    if (p.uri !== undefined && p.uri !== current.uri) await repo.revokeAccessTokensForAudience(trx, current.uri, now)
    await audit.record({ type: 'resource.updated', actorUserId, detail: { name } }, trx)
  })
  return {
    ...current,
    uri: p.uri ?? current.uri,
    scopes: p.scopes ?? current.scopes,
    tokenFormat: p.tokenFormat ?? current.tokenFormat,
    accessTokenTtl: p.accessTokenTtl !== undefined ? p.accessTokenTtl : current.accessTokenTtl,
    updatedAt: now,
  }
}

/**
 * Removes a resource. Its live access tokens are revoked with it; refresh tokens and codes naming it
 * get invalid_target at their next use, since it is no longer registered.
 */
export async function deleteResource(
  deps: ResourceWriteDeps,
  name: string,
  actorUserId: string | null = null,
): Promise<void> {
  const { db, clock, audit } = deps
  const current = await existing(deps, name)
  await db.transaction().execute(async (trx) => {
    await repo.deleteResource(trx, current.id)
    await repo.revokeAccessTokensForAudience(trx, current.uri, clock.now())
    await audit.record({ type: 'resource.deleted', actorUserId, detail: { name, uri: current.uri } }, trx)
  })
}

/**
 * The resource operations bound to their dependencies (`services.resources`). The one piece of state,
 * the remembered table, is made here once and passed in.
 */
export function createResourceService(deps: ServiceDeps, audit: AuditService, scopes: ResourceWriteDeps['scopes']) {
  const bound = { ...deps, audit, scopes, resourceCache: createResourceCache(deps.db, deps.clock) }
  return {
    list: () => listResources(bound),
    find: (nameOrUri: string) => findResource(bound, nameOrUri),
    resolveTargets: (value: string | undefined) => resolveTargets(bound, value),
    byUri: (uris: readonly string[]) => resourcesByUri(bound, uris),
    create: (input: z.input<typeof ResourceInput>, actorUserId?: string | null) =>
      createResource(bound, input, actorUserId),
    update: (name: string, patch: z.input<typeof ResourcePatch>, actorUserId?: string | null) =>
      updateResource(bound, name, patch, actorUserId),
    delete: (name: string, actorUserId?: string | null) => deleteResource(bound, name, actorUserId),
  }
}
export type ResourceService = ReturnType<typeof createResourceService>
