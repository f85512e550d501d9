/**
 * @module
 * Resource registry changes as the admin API makes them: administrators only. Every rule (URIs, scopes,
 * token formats) is the resource service's; each function adds the access check and records who acted.
 */
import type { z } from 'zod'
import type { Resource, ResourceInput, ResourcePatch, ResourceService } from '../resources/resources.ts'
import { assertAdmin, type Actor } from './access.ts'

type ResourcesPort<K extends keyof ResourceService> = { resources: Pick<ResourceService, K> }

export async function adminCreateResource(
  { resources }: ResourcesPort<'create'>,
  actor: Actor,
  input: z.input<typeof ResourceInput>,
): Promise<Resource> {
  assertAdmin(actor)
  return resources.create(input, actor.userId)
}

export async function adminUpdateResource(
  { resources }: ResourcesPort<'update'>,
  actor: Actor,
  name: string,
  patch: z.input<typeof ResourcePatch>,
): Promise<Resource> {
  assertAdmin(actor)
  return resources.update(name, patch, actor.userId)
}

export async function adminDeleteResource(
  { resources }: ResourcesPort<'delete'>,
  actor: Actor,
  name: string,
): Promise<void> {
  assertAdmin(actor)
  await resources.delete(name, actor.userId)
}

/** The admin resource functions bound to the resource service (`services.admin.resources`). */
export function createAdminResourceService(resources: ResourceService) {
  const deps = { resources }
  return {
    create: (actor: Actor, input: z.input<typeof ResourceInput>) => adminCreateResource(deps, actor, input),
    update: (actor: Actor, name: string, patch: z.input<typeof ResourcePatch>) =>
      adminUpdateResource(deps, actor, name, patch),
    delete: (actor: Actor, name: string) => adminDeleteResource(deps, actor, name),
  }
}
