/** @module Scope and signing-key mutations: administrators only. */
import type { SigningKeyView } from '../../services/admin/keys.ts'
import { PRESET_NAMES, PRESET_SUMMARY, type PresetName } from '../../services/scopes/presets.ts'
import type { PresetImport, Scope, ScopeWidening } from '../../services/scopes/scopes.ts'
import { builder } from '../builder.ts'
import { MUTATION_ERRORS } from '../errors.ts'
import { forInput } from '../input-fields.ts'
import { opt } from '../pagination.ts'
import { SigningKeyRef } from '../refs.ts'
import { ScopeRef } from '../types/scope.ts'

const CreateScopeInput = builder.inputType('CreateScopeInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    description: t.string({ required: true }),
    implies: t.stringList(),
    isDefault: t.boolean(),
    selfRegistration: t.boolean({
      description: 'Issue 18: clients registering themselves under registration policy open may ask for it.',
    }),
  }),
})
const UpdateScopeInput = builder.inputType('UpdateScopeInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    description: t.string(),
    implies: t.stringList(),
    isDefault: t.boolean(),
    selfRegistration: t.boolean({
      description: 'Issue 18: clients registering themselves under registration policy open may ask for it.',
    }),
  }),
})
const ScopePresetEnum = builder.enumType('ScopePreset', {
  description: "A forge's scope vocabulary (the same presets as `latchkey scope import`).",
  values: Object.fromEntries(
    PRESET_NAMES.map((n) => [n.toUpperCase().replace('-', '_'), { value: n, description: PRESET_SUMMARY[n] }]),
  ) as Record<string, { value: PresetName; description: string }>,
})
const ImportScopePresetInput = builder.inputType('ImportScopePresetInput', {
  fields: (t) => ({
    preset: t.field({ type: ScopePresetEnum, required: true }),
    force: t.boolean({
      description:
        'Accept a preset that gives existing scopes more children (it widens every token holding them). Without ' +
        'it such an import changes nothing and answers a ConflictError on `force` that lists each change.',
    }),
  }),
})
const ScopeNameInput = builder.inputType('ScopeNameInput', { fields: (t) => ({ name: t.string({ required: true }) }) })
const RotateKeyInput = builder.inputType('RotateSigningKeyInput', {
  fields: (t) => ({ algorithm: t.string({ required: true, description: 'RS256 or ES256.' }) }),
})

const ScopePayload = builder.objectRef<{ scope: Scope }>('ScopePayload').implement({
  fields: (t) => ({ scope: t.field({ type: ScopeRef, resolve: (p) => p.scope }) }),
})
const ScopeWideningRef = builder.objectRef<ScopeWidening>('ScopeWidening').implement({
  fields: (t) => ({
    name: t.exposeString('name'),
    added: t.exposeStringList('added', { description: 'What the scope newly implies.' }),
    implies: t.exposeStringList('implies', { description: 'Everything it implies now.' }),
  }),
})
const ImportedPreset = builder.objectRef<PresetImport>('ImportScopePresetPayload').implement({
  fields: (t) => ({
    created: t.exposeStringList('created'),
    skipped: t.exposeStringList('skipped', { description: 'Already present with every child the preset gives them.' }),
    widened: t.field({ type: [ScopeWideningRef], resolve: (p) => p.widened }),
  }),
})
const DeletedScope = builder
  .objectRef<{ name: string }>('DeleteScopePayload')
  .implement({ fields: (t) => ({ name: t.exposeString('name') }) })
const RotatedKeys = builder.objectRef<{ keys: SigningKeyView[] }>('RotateSigningKeyPayload').implement({
  fields: (t) => ({
    keys: t.field({
      type: [SigningKeyRef],
      description: 'The new active key, then the one it replaced.',
      resolve: (p) => p.keys,
    }),
  }),
})

builder.mutationFields((t) => ({
  createScope: t.field({
    type: ScopePayload,
    errors: { types: MUTATION_ERRORS },
    authScopes: { admin: true },
    args: { input: t.arg({ type: CreateScopeInput, required: true }) },
    resolve: (_r, { input: i }, ctx) =>
      forInput('CreateScopeInput', async () => ({
        scope: await ctx.services.admin.scopes.create(ctx.actor, {
          name: i.name,
          description: i.description,
          implies: opt(i.implies),
          isDefault: opt(i.isDefault),
          selfRegistration: opt(i.selfRegistration),
        }),
      })),
  }),
  updateScope: t.field({
    type: ScopePayload,
    errors: { types: MUTATION_ERRORS },
    authScopes: { admin: true },
    args: { input: t.arg({ type: UpdateScopeInput, required: true }) },
    resolve: (_r, { input: i }, ctx) =>
      forInput('UpdateScopeInput', async () => ({
        // ScopePatch has no defaults, so an absent field stays as it is.
        scope: await ctx.services.admin.scopes.update(ctx.actor, i.name, {
          description: opt(i.description),
          implies: opt(i.implies),
          isDefault: opt(i.isDefault),
          selfRegistration: opt(i.selfRegistration),
        }),
      })),
  }),
  deleteScope: t.field({
    type: DeletedScope,
    errors: { types: MUTATION_ERRORS },
    authScopes: { admin: true },
    args: { input: t.arg({ type: ScopeNameInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      forInput('ScopeNameInput', async () => {
        await ctx.services.admin.scopes.delete(ctx.actor, input.name)
        return { name: input.name }
      }),
  }),
  importScopePreset: t.field({
    type: ImportedPreset,
    description: "Creates a forge's scope vocabulary in one transaction; importing twice changes nothing.",
    errors: { types: MUTATION_ERRORS },
    authScopes: { admin: true },
    args: { input: t.arg({ type: ImportScopePresetInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      forInput('ImportScopePresetInput', () =>
        ctx.services.admin.scopes.importPreset(ctx.actor, input.preset, input.force ?? false),
      ),
  }),
  rotateSigningKey: t.field({
    type: RotatedKeys,
    description: 'Makes a new active key; the old one stays in the JWKS until every token it signed has expired.',
    errors: { types: MUTATION_ERRORS },
    authScopes: { admin: true },
    args: { input: t.arg({ type: RotateKeyInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      forInput('RotateSigningKeyInput', async () => ({
        keys: await ctx.services.admin.keys.rotate(ctx.actor, input.algorithm),
      })),
  }),
}))
