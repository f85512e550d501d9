/**
 * @module
 * Applications as the admin API sees them: pages, batched lookups and counts, and changes that
 * check who is acting. Creation, secret rotation and deletion reuse the application service, so
 * the redirect URI and scope rules stay written once (services/applications/redirect-uris.ts, scopes/scopes.ts).
 */
import type { z } from 'zod'
import * as apps from '../../store/repositories/applications.ts'
import * as batch from '../../store/repositories/admin-batches.ts'
import { pageApplications, type ApplicationFilter, type PageWindow } from '../../store/repositories/admin-pages.ts'
import { assertCanWrite, assertMay, narrowTo, seesAll, type Actor } from './access.ts'
import {
  type ApplicationPatch,
  applicationRowToApplication,
  type NewApplicationInput,
  type Application,
  type ApplicationService,
  type CreatedApplication,
} from '../applications/applications.ts'
import type { AuditService } from '../shared/audit.ts'
import { revokeTokensOfApplication } from '../tokens/revocation.ts'
import type { ServiceDeps } from '../shared/deps.ts'
import { Forbidden, NotFound } from '../shared/errors.ts'

/** Settings that change what other users are exposed to: administrators only. */
const ADMIN_ONLY = ['isTrusted', 'canIntrospect', 'ownerId'] as const

export function createAdminApplicationService(
  { db, clock }: ServiceDeps,
  audit: AuditService,
  applications: ApplicationService,
) {
  async function requireVisible(actor: Actor, id: string): Promise<apps.ApplicationRow> {
    const row = await apps.findApplicationById(db, id)
    if (!row) throw new NotFound('no application with this id', 'id')
    assertMay(actor, [row.owner_id], 'application')
    return row
  }

  function refuseAdminOnly(actor: Actor, input: Record<string, unknown>): void {
    if (actor.level === 'admin') return
    for (const field of ADMIN_ONLY)
      if (
        input[field] !== undefined &&
        input[field] !== null &&
        input[field] !== false &&
        input[field] !== actor.userId
      )
        throw new Forbidden(`only an administrator may set ${field}`, field)
  }

  return {
    async page(actor: Actor, w: PageWindow, filter: ApplicationFilter): Promise<Application[]> {
      const only = narrowTo(actor)
      if (only !== undefined && filter.ownerId !== undefined && filter.ownerId !== only) return []
      return (await pageApplications(db, w, { ...filter, ownerId: only ?? filter.ownerId })).map(
        applicationRowToApplication,
      )
    },

    /** One query for many ids; objects the actor may not see come back as null (no leak). */
    async byIds(actor: Actor, ids: readonly string[]): Promise<Array<Application | null>> {
      const rows = new Map((await batch.applicationsByIds(db, ids)).map((r) => [r.id, r]))
      return ids.map((id) => {
        const row = rows.get(id)
        return row && (seesAll(actor) || row.owner_id === actor.userId) ? applicationRowToApplication(row) : null
      })
    },

    async byClientId(actor: Actor, clientId: string): Promise<Application | null> {
      const row = await apps.findApplicationByClientId(db, clientId)
      return row && (seesAll(actor) || row.owner_id === actor.userId) ? applicationRowToApplication(row) : null
    },

    async activeTokenCounts(ids: readonly string[]): Promise<number[]> {
      const counts = await batch.countActiveTokensByApplication(db, ids, clock.now())
      return ids.map((id) => counts.get(id) ?? 0)
    },

    async activeGrantCounts(ids: readonly string[]): Promise<number[]> {
      const counts = await batch.countActiveGrantsByApplication(db, ids)
      return ids.map((id) => counts.get(id) ?? 0)
    },

    async create(actor: Actor, input: z.input<typeof NewApplicationInput>): Promise<CreatedApplication> {
      assertCanWrite(actor)
      refuseAdminOnly(actor, input)
      return applications.create({ ...input, ownerId: input.ownerId ?? actor.userId }, actor.userId)
    },

    async update(actor: Actor, id: string, patch: z.input<typeof ApplicationPatch>): Promise<Application> {
      assertCanWrite(actor)
      const row = await requireVisible(actor, id)
      refuseAdminOnly(actor, patch)
      return applications.update(row.client_id, patch, actor.userId)
    },

    /** The new secret is returned once, here (checklist M.70). */
    async rotateSecret(actor: Actor, id: string): Promise<CreatedApplication> {
      assertCanWrite(actor)
      const row = await requireVisible(actor, id)
      return applications.rotateSecret(row.client_id, actor.userId)
    },

    /** Deleting cascades to codes, grants and tokens, so they stop working at once (M.73). */
    async delete(actor: Actor, id: string): Promise<Application> {
      assertCanWrite(actor)
      const row = await requireVisible(actor, id)
      await applications.delete(row.client_id, actor.userId)
      return applicationRowToApplication(row)
    },

    async revokeTokens(actor: Actor, id: string): Promise<number> {
      assertCanWrite(actor)
      const row = await requireVisible(actor, id)
      return revokeTokensOfApplication({ db, clock, audit }, row.id, actor.userId)
    },
  }
}
export type AdminApplicationService = ReturnType<typeof createAdminApplicationService>
