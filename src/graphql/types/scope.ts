/** @module Scope: managed data with a description and the scopes it implies (and is implied by). */
import type { Scope } from '../../services/scopes/scopes.ts'
import { BUILT_IN_SCOPES } from '../../services/scopes/scopes.ts'
import { builder } from '../builder.ts'

export const ScopeRef = builder.objectRef<Scope>('Scope')

builder.node(ScopeRef, {
  description: 'A permission an application may ask for. Granting a scope grants what it implies.',
  id: { resolve: (s) => s.name },
  loadMany: async (names, ctx) => {
    const byName = new Map((await ctx.services.scopes.all()).map((s) => [s.name, s]))
    return names.map((n) => byName.get(n) ?? null)
  },
  fields: (t) => ({
    name: t.exposeString('name'),
    description: t.exposeString('description'),
    isDefault: t.exposeBoolean('isDefault'),
    selfRegistration: t.exposeBoolean('selfRegistration', {
      description: 'Issue 18: clients registering themselves under registration policy open may ask for it.',
    }),
    builtIn: t.boolean({ resolve: (s) => (BUILT_IN_SCOPES as readonly string[]).includes(s.name) }),
    implies: t.field({
      type: [ScopeRef],
      description: 'Scopes granted along with this one (directly).',
      resolve: async (s, _a, ctx) => (await ctx.services.scopes.all()).filter((x) => s.implies.includes(x.name)),
    }),
    impliedBy: t.field({
      type: [ScopeRef],
      description: 'Scopes that directly imply this one.',
      resolve: async (s, _a, ctx) => (await ctx.services.scopes.all()).filter((x) => x.implies.includes(s.name)),
    }),
  }),
})
