/** @module Scope and signing-key mutations: administrators only. */
import type { Actor } from '../../services/admin-access.ts'
import { assertAdmin } from '../../services/admin-access.ts'
import type { SigningKeyView } from '../../services/admin-keys.ts'
import type { Scope } from '../../services/scopes.ts'
import { builder } from '../builder.ts'
import { MUTATION_ERRORS } from '../errors.ts'
import { forInput } from '../input-fields.ts'
import { opt } from '../pagination.ts'
import { SigningKeyRef } from '../refs.ts'
import { ScopeRef } from '../types/scope.ts'

const CreateScopeInput = builder.inputType('CreateScopeInput', {
  fields: (t) => ({ name: t.string({ required: true }), description: t.string({ required: true }), implies: t.stringList(), isDefault: t.boolean() }),
})
const UpdateScopeInput = builder.inputType('UpdateScopeInput', {
  fields: (t) => ({ name: t.string({ required: true }), description: t.string(), implies: t.stringList(), isDefault: t.boolean() }),
})
const ScopeNameInput = builder.inputType('ScopeNameInput', { fields: (t) => ({ name: t.string({ required: true }) }) })
const RotateKeyInput = builder.inputType('RotateSigningKeyInput', {
  fields: (t) => ({ algorithm: t.string({ required: true, description: 'RS256 or ES256.' }) }),
})

const ScopePayload = builder.objectRef<{ scope: Scope }>('ScopePayload').implement({
  fields: (t) => ({ scope: t.field({ type: ScopeRef, resolve: (p) => p.scope }) }),
})
const DeletedScope = builder.objectRef<{ name: string }>('DeleteScopePayload').implement({ fields: (t) => ({ name: t.exposeString('name') }) })
const RotatedKeys = builder.objectRef<{ keys: SigningKeyView[] }>('RotateSigningKeyPayload').implement({
  fields: (t) => ({ keys: t.field({ type: [SigningKeyRef], description: 'The new active key, then the one it replaced.', resolve: (p) => p.keys }) }),
})

/** The scope service takes an actor id; the admin rule is checked here, where the Actor is known. */
function admin(actor: Actor): string {
  assertAdmin(actor)
  return actor.userId
}

builder.mutationFields((t) => ({
  createScope: t.field({
    type: ScopePayload,
    errors: { types: MUTATION_ERRORS },
    authScopes: { admin: true },
    args: { input: t.arg({ type: CreateScopeInput, required: true }) },
    resolve: (_r, { input: i }, ctx) =>
      forInput('CreateScopeInput', async () => ({
        scope: await ctx.services.scopes.create({ name: i.name, description: i.description, implies: opt(i.implies), isDefault: opt(i.isDefault) }, admin(ctx.actor)),
      })),
  }),
  updateScope: t.field({
    type: ScopePayload,
    errors: { types: MUTATION_ERRORS },
    authScopes: { admin: true },
    args: { input: t.arg({ type: UpdateScopeInput, required: true }) },
    resolve: (_r, { input: i }, ctx) =>
      forInput('UpdateScopeInput', async () => {
        const actorId = admin(ctx.actor)
        // scopes.ScopePatch is ScopeInput.partial(), and zod 4 keeps defaults under partial(): an
        // absent `implies` would become []. Send the current value so "absent" means "unchanged".
        const implies = i.implies ?? (await ctx.services.scopes.find(i.name))?.implies
        return { scope: await ctx.services.scopes.update(i.name, { description: opt(i.description), implies, isDefault: opt(i.isDefault) }, actorId) }
      }),
  }),
  deleteScope: t.field({
    type: DeletedScope,
    errors: { types: MUTATION_ERRORS },
    authScopes: { admin: true },
    args: { input: t.arg({ type: ScopeNameInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      forInput('ScopeNameInput', async () => {
        await ctx.services.scopes.delete(input.name, admin(ctx.actor))
        return { name: input.name }
      }),
  }),
  rotateSigningKey: t.field({
    type: RotatedKeys,
    description: 'Makes a new active key; the old one stays in the JWKS until every token it signed has expired.',
    errors: { types: MUTATION_ERRORS },
    authScopes: { admin: true },
    args: { input: t.arg({ type: RotateKeyInput, required: true }) },
    resolve: (_r, { input }, ctx) => forInput('RotateSigningKeyInput', async () => ({ keys: await ctx.services.admin.keys.rotate(ctx.actor, input.algorithm) })),
  }),
}))
