/**
 * @module
 * Applications (OAuth clients). A confidential application's secret is shown once, at creation or
 * rotation; only its SHA-256 is stored and checked in constant time.
 */
import type { z } from 'zod'
import { newClientId, newId } from '../../crypto/ids.ts'
import { generateSecret, safeEqual, sha256Hex } from '../../crypto/secrets.ts'
import type { RowPatch } from '../../store/database.ts'
import * as repo from '../../store/repositories/applications.ts'
import { createCache } from '../../store/cache.ts'
import type { AuditService } from '../shared/audit.ts'
import type { ServiceDeps } from '../shared/deps.ts'
import { ApplicationPatch, type NewApplicationInput, parseNewApplication } from './inputs.ts'
import { Invalid, NotFound, parseOrInvalid } from '../shared/errors.ts'
import { joinList, splitList } from '../shared/lists.ts'
import type { ScopeService } from '../scopes/scopes.ts'

export {
  ApplicationPatch,
  DEVICE_CODE_GRANT,
  GRANT_TYPES,
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
  createdAt: number
  updatedAt: number
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
 * remembered, so probing cannot fill it.
 */
interface CachedClient {
  secretHash: string | null
  application: Application
}

export function createApplicationService({ db, clock }: ServiceDeps, audit: AuditService, scopes: ScopeService) {
  const clients = createCache<string, CachedClient>(db, {
    tables: ['applications'],
    keyedRowsOnly: true,
    postgresMaxAge: 0,
    now: () => clock.now(),
  })

  function cachedClient(clientId: string): Promise<CachedClient | undefined> {
    return clients.get(clientId, async () => {
      const row = await repo.findApplicationByClientId(db, clientId)
      return row && { secretHash: row.client_secret_hash, application: applicationRowToApplication(row) }
    })
  }

  async function requireByClientId(clientId: string): Promise<repo.ApplicationRow> {
    const row = await repo.findApplicationByClientId(db, clientId)
    if (!row) throw new NotFound(`no application with client id ${clientId}`, 'clientId')
    return row
  }

  async function requireKnownScopes(names: string[]): Promise<void> {
    const unknown = await scopes.unknownNames(names)
    if (unknown.length) throw new Invalid(`unknown scope(s): ${unknown.join(', ')}`, 'scopes')
  }

  return {
    async create(
      input: z.input<typeof NewApplicationInput>,
      actorUserId: string | null = null,
    ): Promise<CreatedApplication> {
      const parsed = parseNewApplication(input)
      await requireKnownScopes(parsed.scopes)
      const clientSecret = parsed.isPublic ? null : generateSecret('clientSecret')
      const now = clock.now()
      const row: repo.ApplicationRow = {
        id: newId(),
        client_id: newClientId(),
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
        created_at: now,
        updated_at: now,
      }
      await db.transaction().execute(async (trx) => {
        await repo.insertApplication(trx, row)
        await audit.record({ type: 'application.created', actorUserId, applicationId: row.id }, trx)
      })
      return { application: applicationRowToApplication(row), clientSecret }
    },

    /**
     * Changes what the patch names and nothing else; every field follows the creation rule. The
     * change is seen at once by client authentication (the write moves the cache's change signal).
     */
    async update(
      clientId: string,
      patch: z.input<typeof ApplicationPatch>,
      actorUserId: string | null = null,
    ): Promise<Application> {
      const row = await requireByClientId(clientId)
      const p = parseOrInvalid(ApplicationPatch, patch)
      const current = applicationRowToApplication(row)
      if (p.scopes) await requireKnownScopes(p.scopes)
      const grantTypes = p.grantTypes ?? current.grantTypes
      if (grantTypes.includes('authorization_code') && (p.redirectUris ?? current.redirectUris).length === 0)
        throw new Invalid('at least one redirect URI is needed for the authorization code flow', 'redirectUris')
      if (current.isPublic && grantTypes.includes('client_credentials'))
        throw new Invalid('client_credentials needs a confidential application', 'grantTypes')
      const set: RowPatch<'applications'> = {
        ...(p.name !== undefined && { name: p.name }),
        ...(p.redirectUris !== undefined && { redirect_uris: JSON.stringify([...new Set(p.redirectUris)]) }),
        ...(p.scopes !== undefined && { scopes: joinList(p.scopes) }),
        ...(p.grantTypes !== undefined && { grant_types: joinList(p.grantTypes) }),
        ...(p.isTrusted !== undefined && { is_trusted: p.isTrusted ? 1 : 0 }),
        ...(p.canIntrospect !== undefined && { can_introspect: p.canIntrospect ? 1 : 0 }),
        ...(p.idTokenAlg !== undefined && { id_token_alg: p.idTokenAlg }),
        ...(p.refreshPolicy !== undefined && { refresh_policy: p.refreshPolicy }),
        ...(p.tokenFormat !== undefined && { token_format: p.tokenFormat }),
        ...(p.accessTokenTtl !== undefined && { access_token_ttl: p.accessTokenTtl }),
        ...(p.refreshTokenTtl !== undefined && { refresh_token_ttl: p.refreshTokenTtl }),
        updated_at: clock.now(),
      }
      await db.transaction().execute(async (trx) => {
        await repo.updateApplication(trx, row.id, set)
        await audit.record(
          { type: 'application.updated', actorUserId, applicationId: row.id, detail: { fields: Object.keys(p) } },
          trx,
        )
      })
      return applicationRowToApplication({ ...row, ...set })
    },

    async list(): Promise<Application[]> {
      return (await repo.listApplications(db)).map(applicationRowToApplication)
    },

    async show(clientId: string): Promise<Application> {
      return applicationRowToApplication(await requireByClientId(clientId))
    },

    async findByClientId(clientId: string): Promise<Application | undefined> {
      const row = await repo.findApplicationByClientId(db, clientId)
      return row && applicationRowToApplication(row)
    },

    async findById(id: string): Promise<Application | undefined> {
      const row = await repo.findApplicationById(db, id)
      return row && applicationRowToApplication(row)
    },

    async rotateSecret(clientId: string, actorUserId: string | null = null): Promise<CreatedApplication> {
      const row = await requireByClientId(clientId)
      if (row.is_public) throw new Invalid('a public application has no secret', 'clientId')
      const clientSecret = generateSecret('clientSecret')
      const now = clock.now()
      await db.transaction().execute(async (trx) => {
        await repo.updateApplication(trx, row.id, { client_secret_hash: sha256Hex(clientSecret), updated_at: now })
        await audit.record({ type: 'application.secret_rotated', actorUserId, applicationId: row.id }, trx)
      })
      return { application: applicationRowToApplication({ ...row, updated_at: now }), clientSecret }
    },

    /** Deleting cascades to codes, grants and tokens, so they stop working at once. */
    async delete(clientId: string, actorUserId: string | null = null): Promise<void> {
      const row = await requireByClientId(clientId)
      await db.transaction().execute(async (trx) => {
        await repo.deleteApplication(trx, row.id)
        await audit.record(
          { type: 'application.deleted', actorUserId, applicationId: row.id, detail: { clientId } },
          trx,
        )
      })
    },

    /**
     * RFC 6749 §2.3.1: checks a presented secret. A confidential application is never treated as
     * public: without a secret it fails (doorkeeper-openid_connect CVE-2026-44476).
     */
    async authenticate(clientId: string, secret: string | undefined): Promise<Application | undefined> {
      const client = await cachedClient(clientId)
      if (!client) {
        if (secret !== undefined) safeEqual(sha256Hex(secret), sha256Hex('')) // same work as a real check
        return undefined
      }
      const { application, secretHash } = client
      if (application.isPublic) return secret === undefined ? application : undefined
      if (secret === undefined || secretHash === null) return undefined
      return safeEqual(sha256Hex(secret), secretHash) ? application : undefined
    },
  }
}
export type ApplicationService = ReturnType<typeof createApplicationService>
