/**
 * @module
 * Scope changes as the admin API makes them: administrators only. Every rule of a scope (names,
 * implication cycles, built-in scopes, presets that widen) is the scope service's; each function here
 * adds the access check and records who acted, through the narrow port of the scope service it uses.
 */
import type { z } from 'zod'
import type { PresetName } from '../scopes/presets.ts'
import type { PresetImport, Scope, ScopeInput, ScopePatch, ScopeService } from '../scopes/scopes.ts'
import { assertAdmin, type Actor } from './access.ts'

/** The scope service's members the admin functions reach, each narrowed to the one it uses. */
type ScopesPort<K extends keyof ScopeService> = { scopes: Pick<ScopeService, K> }

export async function adminCreateScope(
  { scopes }: ScopesPort<'create'>,
  actor: Actor,
  input: z.input<typeof ScopeInput>,
): Promise<Scope> {
  assertAdmin(actor)
  return scopes.create(input, actor.userId)
}

export async function adminUpdateScope(
  { scopes }: ScopesPort<'update'>,
  actor: Actor,
  name: string,
  patch: z.input<typeof ScopePatch>,
): Promise<Scope> {
  assertAdmin(actor)
  return scopes.update(name, patch, actor.userId)
}

export async function adminDeleteScope({ scopes }: ScopesPort<'delete'>, actor: Actor, name: string): Promise<void> {
  assertAdmin(actor)
  await scopes.delete(name, actor.userId)
}

export async function adminImportScopePreset(
  { scopes }: ScopesPort<'importPreset'>,
  actor: Actor,
  preset: PresetName,
  force: boolean,
): Promise<PresetImport> {
  assertAdmin(actor)
  return scopes.importPreset(preset, { force, actorUserId: actor.userId })
}

/** The admin scope functions bound to the scope service (`services.admin.scopes`). */
export function createAdminScopeService(scopes: ScopeService) {
  const deps = { scopes }
  return {
    create: (actor: Actor, input: z.input<typeof ScopeInput>) => adminCreateScope(deps, actor, input),
    update: (actor: Actor, name: string, patch: z.input<typeof ScopePatch>) =>
      adminUpdateScope(deps, actor, name, patch),
    delete: (actor: Actor, name: string) => adminDeleteScope(deps, actor, name),
    importPreset: (actor: Actor, preset: PresetName, force: boolean) =>
      adminImportScopePreset(deps, actor, preset, force),
  }
}
export type AdminScopeService = ReturnType<typeof createAdminScopeService>
