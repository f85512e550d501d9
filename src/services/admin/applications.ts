/**
 * @module
 * Applications as the admin API sees them: pages, batched lookups and counts, and changes that
 * check who is acting. Every single-application read and every change goes through the application
 * service (through the narrow port of it each function names), so the redirect URI, grant type and
 * scope rules stay written once (applications/inputs.ts, applications/applications.ts); admin adds
 * only who may see and change what.
 */
import type { z } from 'zod'
import * as batch from '../../store/repositories/admin-batches.ts'
import { pageApplications, type ApplicationFilter, type PageWindow } from '../../store/repositories/admin-pages.ts'
import { assertAdmin, assertCanWrite, assertMay, narrowTo, seesAll, type Actor } from './access.ts'
import type { AppPresetImport, AppPresetName } from '../applications/presets.ts'
import {
  type ApplicationPatch,
  applicationRowToApplication,
  type NewApplicationInput,
  type Application,
  type ApplicationService,
  type CreatedApplication,
} from '../applications/applications.ts'
import type { AuditService } from '../shared/audit.ts'
import { type RevocationDeps, revokeTokensOfApplication } from '../tokens/revocation.ts'
import type { ServiceDeps } from '../shared/deps.ts'
import { Forbidden, NotFound } from '../shared/errors.ts'

/**
 * Settings that change what other users are exposed to: administrators only. A chosen client id too
 * (issue 16): anyone else could take a well-known helper's id and show its name on a consent page.
 */
const ADMIN_ONLY = ['isTrusted', 'canIntrospect', 'ownerId', 'clientId', 'allowedGroups'] as const

/** The application service's members an admin function reaches, each narrowed to the ones it uses. */
type AppsPort<K extends keyof ApplicationService> = { applications: Pick<ApplicationService, K> }
type ReadDeps = Pick<ServiceDeps, 'db'>

/** The application, if the actor may act on it; NotFound and Forbidden otherwise. */
async function requireVisible({ applications }: AppsPort<'findById'>, actor: Actor, id: string): Promise<Application> {
  const application = await applications.findById(id)
  if (!application) throw new NotFound('no application with this id', 'id')
  assertMay(actor, [application.ownerId], 'application')
  return application
}

function refuseAdminOnly(actor: Actor, input: Record<string, unknown>): void {
  if (actor.level === 'admin') return
  for (const field of ADMIN_ONLY)
    if (
      input[field] !== undefined &&
      input[field] !== null &&
      input[field] !== false &&
      !(field === 'ownerId' && input[field] === actor.userId)
    )
      throw new Forbidden(`only an administrator may set ${field}`, field)
}

export async function adminPageApplications(
  { db }: ReadDeps,
  actor: Actor,
  w: PageWindow,
  filter: ApplicationFilter,
): Promise<Application[]> {
  const only = narrowTo(actor)
  if (only !== undefined && filter.ownerId !== undefined && filter.ownerId !== only) return []
  return (await pageApplications(db, w, { ...filter, ownerId: only ?? filter.ownerId })).map(
    applicationRowToApplication,
  )
}

/** One query for many ids; objects the actor may not see come back as null (no leak). */
export async function adminApplicationsByIds(
  { db }: ReadDeps,
  actor: Actor,
  ids: readonly string[],
): Promise<Array<Application | null>> {
  const rows = new Map((await batch.applicationsByIds(db, ids)).map((r) => [r.id, r]))
  return ids.map((id) => {
    const row = rows.get(id)
    return row && (seesAll(actor) || row.owner_id === actor.userId) ? applicationRowToApplication(row) : null
  })
}

export async function adminApplicationByClientId(
  { applications }: AppsPort<'findByClientId'>,
  actor: Actor,
  clientId: string,
): Promise<Application | null> {
  const application = await applications.findByClientId(clientId)
  return application && (seesAll(actor) || application.ownerId === actor.userId) ? application : null
}

export async function activeTokenCounts(
  { db, clock }: Pick<ServiceDeps, 'db' | 'clock'>,
  ids: readonly string[],
): Promise<number[]> {
  const counts = await batch.countActiveTokensByApplication(db, ids, clock.now())
  return ids.map((id) => counts.get(id) ?? 0)
}

export async function activeGrantCounts({ db }: ReadDeps, ids: readonly string[]): Promise<number[]> {
  const counts = await batch.countActiveGrantsByApplication(db, ids)
  return ids.map((id) => counts.get(id) ?? 0)
}

export async function adminCreateApplication(
  { applications }: AppsPort<'create'>,
  actor: Actor,
  input: z.input<typeof NewApplicationInput>,
): Promise<CreatedApplication> {
  assertCanWrite(actor)
  refuseAdminOnly(actor, input)
  return applications.create({ ...input, ownerId: input.ownerId ?? actor.userId }, actor.userId)
}

export async function adminUpdateApplication(
  deps: AppsPort<'findById' | 'update'>,
  actor: Actor,
  id: string,
  patch: z.input<typeof ApplicationPatch>,
): Promise<Application> {
  assertCanWrite(actor)
  const { clientId } = await requireVisible(deps, actor, id)
  refuseAdminOnly(actor, patch)
  return deps.applications.update(clientId, patch, actor.userId)
}

/** The new secret is returned once, here (checklist M.70). */
export async function adminRotateApplicationSecret(
  deps: AppsPort<'findById' | 'rotateSecret'>,
  actor: Actor,
  id: string,
): Promise<CreatedApplication> {
  assertCanWrite(actor)
  const { clientId } = await requireVisible(deps, actor, id)
  return deps.applications.rotateSecret(clientId, actor.userId)
}

/** Deleting cascades to codes, grants and tokens, so they stop working at once (M.73). */
export async function adminDeleteApplication(
  deps: AppsPort<'findById' | 'delete'>,
  actor: Actor,
  id: string,
): Promise<Application> {
  assertCanWrite(actor)
  const application = await requireVisible(deps, actor, id)
  await deps.applications.delete(application.clientId, actor.userId)
  return application
}

export async function adminRevokeApplicationTokens(
  deps: AppsPort<'findById'> & RevocationDeps,
  actor: Actor,
  id: string,
): Promise<number> {
  assertCanWrite(actor)
  const application = await requireVisible(deps, actor, id)
  return revokeTokensOfApplication(deps, application.id, actor.userId)
}

/** Issue 16: registers a preset's applications (the git credential helpers); administrators only. */
export async function adminImportApplicationPreset(
  { applications }: AppsPort<'importPreset'>,
  actor: Actor,
  preset: AppPresetName,
  force: boolean,
): Promise<AppPresetImport> {
  assertAdmin(actor)
  return applications.importPreset(preset, { force, actorUserId: actor.userId })
}

/** The admin application functions bound to the store and the application service (`services.admin.applications`). */
export function createAdminApplicationService(
  deps: ServiceDeps,
  audit: AuditService,
  applications: ApplicationService,
) {
  const bound = { ...deps, audit, applications }
  return {
    page: (actor: Actor, w: PageWindow, filter: ApplicationFilter) => adminPageApplications(bound, actor, w, filter),
    byIds: (actor: Actor, ids: readonly string[]) => adminApplicationsByIds(bound, actor, ids),
    byClientId: (actor: Actor, clientId: string) => adminApplicationByClientId(bound, actor, clientId),
    activeTokenCounts: (ids: readonly string[]) => activeTokenCounts(bound, ids),
    activeGrantCounts: (ids: readonly string[]) => activeGrantCounts(bound, ids),
    /** Issue 16: the groups on each application's list; the application itself was checked by its loader. */
    allowedGroups: (ids: readonly string[]) => applications.allowedGroups(ids),
    create: (actor: Actor, input: z.input<typeof NewApplicationInput>) => adminCreateApplication(bound, actor, input),
    update: (actor: Actor, id: string, patch: z.input<typeof ApplicationPatch>) =>
      adminUpdateApplication(bound, actor, id, patch),
    rotateSecret: (actor: Actor, id: string) => adminRotateApplicationSecret(bound, actor, id),
    delete: (actor: Actor, id: string) => adminDeleteApplication(bound, actor, id),
    revokeTokens: (actor: Actor, id: string) => adminRevokeApplicationTokens(bound, actor, id),
    importPreset: (actor: Actor, preset: AppPresetName, force: boolean) =>
      adminImportApplicationPreset(bound, actor, preset, force),
  }
}
export type AdminApplicationService = ReturnType<typeof createAdminApplicationService>
