/**
 * @module
 * Scope changes as the admin API makes them: administrators only. Every rule of a scope (names,
 * implication cycles, built-in scopes, presets that widen) is the scope service's; this adds the
 * access check and records who acted.
 */
import type { z } from 'zod'
import type { PresetName } from '../scopes/presets.ts'
import type { PresetImport, Scope, ScopeInput, ScopePatch, ScopeService } from '../scopes/scopes.ts'
import { assertAdmin, type Actor } from './access.ts'

export function createAdminScopeService(scopes: ScopeService) {
  return {
    async create(actor: Actor, input: z.input<typeof ScopeInput>): Promise<Scope> {
      assertAdmin(actor)
      return scopes.create(input, actor.userId)
    },

    async update(actor: Actor, name: string, patch: z.input<typeof ScopePatch>): Promise<Scope> {
      assertAdmin(actor)
      return scopes.update(name, patch, actor.userId)
    },

    async delete(actor: Actor, name: string): Promise<void> {
      assertAdmin(actor)
      await scopes.delete(name, actor.userId)
    },

    async importPreset(actor: Actor, preset: PresetName, force: boolean): Promise<PresetImport> {
      assertAdmin(actor)
      return scopes.importPreset(preset, { force, actorUserId: actor.userId })
    },
  }
}
export type AdminScopeService = ReturnType<typeof createAdminScopeService>
