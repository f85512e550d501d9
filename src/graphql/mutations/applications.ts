/**
 * @module
 * Application mutations. Validation is the services' (zod, redirect-uri rules written once); a
 * secret appears only in the payload of createApplication and rotateApplicationSecret.
 */
import type { Application } from '../../services/applications/applications.ts'
import {
  APP_PRESET_NAMES,
  APP_PRESET_SUMMARY,
  type AppPresetImport,
  type AppPresetName,
} from '../../services/applications/presets.ts'
import { builder } from '../builder.ts'
import { MUTATION_ERRORS } from '../errors.ts'
import { opt } from '../pagination.ts'
import { ApplicationRef, GroupRef, UserRef } from '../refs.ts'
import { idOf, optionalIdOf } from '../global-ids.ts'
import { forInput } from '../input-fields.ts'
import {
  AlgEnum,
  GRACE_PERIOD_DESCRIPTION,
  GrantTypeEnum,
  RefreshTokenPolicyEnum,
  TokenFormatEnum,
} from '../types/application.ts'

const DEFAULT_SCOPES_DESCRIPTION =
  'RFC 6749 §3.3: what a request naming no scope gets, within allowedScopes; an empty list refuses such ' +
  "requests (invalid_scope). Null: the server's rule (the allowed scopes marked default, else all of them)."

const LINK_DESCRIPTION = 'Issue 18, RFC 7591 §2: an https URL (http only on a loopback host) shown on the consent page.'
const CONTACTS_DESCRIPTION = 'Issue 18, RFC 7591 §2: ways to reach the people responsible (e-mail addresses).'

const CreateApplicationInput = builder.inputType('CreateApplicationInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    clientId: t.string({
      description:
        'Administrators only: a client id of your choosing (3-128 of A-Z a-z 0-9 . _ ~ -, unused), e.g. one an ' +
        'application already ships with. Defaults to a random lkc_ id.',
    }),
    defaultScopes: t.stringList({ description: DEFAULT_SCOPES_DESCRIPTION }),
    redirectUris: t.stringList({ required: true }),
    allowedScopes: t.stringList({ description: 'Defaults to openid, profile and email.' }),
    grantTypes: t.field({ type: [GrantTypeEnum] }),
    public: t.boolean({
      description: 'Defaults to false; public clients (SPAs, native apps) have no secret and must use PKCE.',
    }),
    trusted: t.boolean({ description: 'Administrators only.' }),
    canIntrospect: t.boolean({ description: 'Administrators only.' }),
    idTokenAlg: t.field({ type: AlgEnum }),
    refreshTokenPolicy: t.field({ type: RefreshTokenPolicyEnum, description: 'Defaults to ALWAYS.' }),
    refreshGracePeriod: t.int({ description: GRACE_PERIOD_DESCRIPTION }),
    owner: t.id({ description: 'Administrators only; defaults to the caller.' }),
    allowedGroups: t.idList({
      description: 'Administrators only. Only members of these groups may use it; empty or absent: everyone.',
    }),
    logoUri: t.string({ description: LINK_DESCRIPTION }),
    clientUri: t.string({ description: LINK_DESCRIPTION }),
    policyUri: t.string({ description: LINK_DESCRIPTION }),
    tosUri: t.string({ description: LINK_DESCRIPTION }),
    contacts: t.stringList({ description: CONTACTS_DESCRIPTION }),
  }),
})

const UpdateApplicationInput = builder.inputType('UpdateApplicationInput', {
  fields: (t) => ({
    id: t.id({ required: true }),
    name: t.string(),
    redirectUris: t.stringList(),
    allowedScopes: t.stringList(),
    defaultScopes: t.stringList({ description: DEFAULT_SCOPES_DESCRIPTION }),
    grantTypes: t.field({ type: [GrantTypeEnum] }),
    trusted: t.boolean(),
    canIntrospect: t.boolean(),
    idTokenAlg: t.field({ type: AlgEnum }),
    refreshTokenPolicy: t.field({ type: RefreshTokenPolicyEnum }),
    refreshGracePeriod: t.int({ description: GRACE_PERIOD_DESCRIPTION }),
    tokenFormat: t.field({ type: TokenFormatEnum }),
    accessTokenLifetime: t.int({ description: 'Seconds; send null to use the server default.' }),
    refreshTokenLifetime: t.int({ description: 'Seconds; send null to use the server default.' }),
    allowedGroups: t.idList({
      description: 'Administrators only. Replaces the list; an empty list opens it to everyone again.',
    }),
    logoUri: t.string({ description: `${LINK_DESCRIPTION} Null removes it.` }),
    clientUri: t.string({ description: `${LINK_DESCRIPTION} Null removes it.` }),
    policyUri: t.string({ description: `${LINK_DESCRIPTION} Null removes it.` }),
    tosUri: t.string({ description: `${LINK_DESCRIPTION} Null removes it.` }),
    contacts: t.stringList({ description: CONTACTS_DESCRIPTION }),
  }),
})

const ApplicationPresetEnum = builder.enumType('ApplicationPreset', {
  description: 'Well-known applications registered under the client ids they ship with (`latchkey app import`).',
  values: Object.fromEntries(
    APP_PRESET_NAMES.map((n) => [n.toUpperCase().replace('-', '_'), { value: n, description: APP_PRESET_SUMMARY[n] }]),
  ) as Record<string, { value: AppPresetName; description: string }>,
})
const ImportApplicationPresetInput = builder.inputType('ImportApplicationPresetInput', {
  fields: (t) => ({
    preset: t.field({ type: ApplicationPresetEnum, required: true }),
    force: t.boolean({
      description: "Set applications changed since back to the preset's settings; without it they are kept.",
    }),
  }),
})

const ApplicationIdInput = builder.inputType('ApplicationIdInput', {
  fields: (t) => ({ id: t.id({ required: true }) }),
})

const WithSecret = builder
  .objectRef<{ application: Application; clientSecret: string | null }>('ApplicationWithSecret')
  .implement({
    description: 'An application and its client secret, which is shown here once and never again.',
    fields: (t) => ({
      application: t.field({ type: ApplicationRef, resolve: (p) => p.application }),
      clientSecret: t.exposeString('clientSecret', { nullable: true, description: 'Null for public applications.' }),
    }),
  })
const ApplicationPayload = builder.objectRef<{ application: Application }>('ApplicationPayload').implement({
  fields: (t) => ({ application: t.field({ type: ApplicationRef, resolve: (p) => p.application }) }),
})
const DeletedApplication = builder.objectRef<{ application: Application }>('DeleteApplicationPayload').implement({
  fields: (t) => ({
    deletedApplicationId: t.globalID({ resolve: (p) => ({ type: 'Application', id: p.application.id }) }),
    clientId: t.string({ resolve: (p) => p.application.clientId }),
  }),
})
const KeptApplication = builder
  .objectRef<{ application: Application; differences: string[] }>('KeptPresetApplication')
  .implement({
    description: 'An application changed since the preset made it, left as it is (no force).',
    fields: (t) => ({
      application: t.field({ type: ApplicationRef, resolve: (p) => p.application }),
      differences: t.exposeStringList('differences', { description: 'The settings that differ from the preset.' }),
    }),
  })
const ImportedApplicationPreset = builder.objectRef<AppPresetImport>('ImportApplicationPresetPayload').implement({
  fields: (t) => ({
    created: t.field({ type: [ApplicationRef], resolve: (p) => p.created }),
    reset: t.field({ type: [ApplicationRef], resolve: (p) => p.reset, description: 'Set back to the preset (force).' }),
    unchanged: t.field({ type: [ApplicationRef], resolve: (p) => p.unchanged }),
    kept: t.field({ type: [KeptApplication], resolve: (p) => p.kept }),
  }),
})
const RevokedCount = builder.objectRef<{ revokedCount: number }>('RevokedTokensPayload').implement({
  fields: (t) => ({ revokedCount: t.exposeInt('revokedCount') }),
})

/** Keys present in a GraphQL input: absent stays absent (unchanged), null stays null (reset). */
function present<T extends object, K extends keyof T>(input: T, key: K): boolean {
  return Object.hasOwn(input, key)
}

/** Group global ids → the service's group ids; absent or null: unchanged (create: everyone). */
function groupIds(ids: readonly (string | number)[] | null | undefined): string[] | undefined {
  return ids?.map((id) => idOf(id, GroupRef, 'allowedGroups'))
}

builder.mutationFields((t) => ({
  createApplication: t.field({
    type: WithSecret,
    errors: { types: MUTATION_ERRORS },
    authScopes: { writer: true },
    args: { input: t.arg({ type: CreateApplicationInput, required: true }) },
    resolve: (_r, { input: i }, ctx) =>
      forInput('CreateApplicationInput', () =>
        ctx.services.admin.applications.create(ctx.actor, {
          name: i.name,
          clientId: opt(i.clientId),
          redirectUris: i.redirectUris,
          scopes: opt(i.allowedScopes),
          defaultScopes: opt(i.defaultScopes),
          grantTypes: opt(i.grantTypes),
          isPublic: opt(i.public),
          isTrusted: opt(i.trusted),
          canIntrospect: opt(i.canIntrospect),
          idTokenAlg: opt(i.idTokenAlg),
          refreshPolicy: opt(i.refreshTokenPolicy),
          refreshGracePeriod: opt(i.refreshGracePeriod),
          ownerId: optionalIdOf(i.owner, UserRef, 'owner'),
          allowedGroups: groupIds(i.allowedGroups),
          logoUri: opt(i.logoUri),
          clientUri: opt(i.clientUri),
          policyUri: opt(i.policyUri),
          tosUri: opt(i.tosUri),
          contacts: opt(i.contacts),
        }),
      ),
  }),
  updateApplication: t.field({
    type: ApplicationPayload,
    errors: { types: MUTATION_ERRORS },
    authScopes: { writer: true },
    args: { input: t.arg({ type: UpdateApplicationInput, required: true }) },
    resolve: (_r, { input: i }, ctx) =>
      forInput('UpdateApplicationInput', async () => ({
        application: await ctx.services.admin.applications.update(ctx.actor, idOf(i.id, ApplicationRef, 'id'), {
          name: opt(i.name),
          redirectUris: opt(i.redirectUris),
          scopes: opt(i.allowedScopes),
          ...(present(i, 'defaultScopes') && { defaultScopes: i.defaultScopes ?? null }),
          grantTypes: opt(i.grantTypes),
          isTrusted: opt(i.trusted),
          canIntrospect: opt(i.canIntrospect),
          idTokenAlg: opt(i.idTokenAlg),
          refreshPolicy: opt(i.refreshTokenPolicy),
          refreshGracePeriod: opt(i.refreshGracePeriod),
          tokenFormat: opt(i.tokenFormat),
          ...(present(i, 'accessTokenLifetime') && { accessTokenTtl: i.accessTokenLifetime ?? null }),
          ...(present(i, 'refreshTokenLifetime') && { refreshTokenTtl: i.refreshTokenLifetime ?? null }),
          allowedGroups: groupIds(i.allowedGroups),
          ...(present(i, 'logoUri') && { logoUri: i.logoUri ?? null }),
          ...(present(i, 'clientUri') && { clientUri: i.clientUri ?? null }),
          ...(present(i, 'policyUri') && { policyUri: i.policyUri ?? null }),
          ...(present(i, 'tosUri') && { tosUri: i.tosUri ?? null }),
          contacts: opt(i.contacts),
        }),
      })),
  }),
  deleteApplication: t.field({
    type: DeletedApplication,
    description: 'Deletes the application; its codes, grants and tokens stop working at once.',
    errors: { types: MUTATION_ERRORS },
    authScopes: { writer: true },
    args: { input: t.arg({ type: ApplicationIdInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      forInput('ApplicationIdInput', async () => ({
        application: await ctx.services.admin.applications.delete(ctx.actor, idOf(input.id, ApplicationRef, 'id')),
      })),
  }),
  rotateApplicationSecret: t.field({
    type: WithSecret,
    errors: { types: MUTATION_ERRORS },
    authScopes: { writer: true },
    args: { input: t.arg({ type: ApplicationIdInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      forInput('ApplicationIdInput', () =>
        ctx.services.admin.applications.rotateSecret(ctx.actor, idOf(input.id, ApplicationRef, 'id')),
      ),
  }),
  importApplicationPreset: t.field({
    type: ImportedApplicationPreset,
    description:
      'Issue 16: registers well-known public clients (git credential helpers) in one transaction; importing ' +
      'twice changes nothing.',
    errors: { types: MUTATION_ERRORS },
    authScopes: { admin: true },
    args: { input: t.arg({ type: ImportApplicationPresetInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      forInput('ImportApplicationPresetInput', () =>
        ctx.services.admin.applications.importPreset(ctx.actor, input.preset, input.force ?? false),
      ),
  }),
  revokeApplicationTokens: t.field({
    type: RevokedCount,
    errors: { types: MUTATION_ERRORS },
    authScopes: { writer: true },
    args: { input: t.arg({ type: ApplicationIdInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      forInput('ApplicationIdInput', async () => ({
        revokedCount: await ctx.services.admin.applications.revokeTokens(
          ctx.actor,
          idOf(input.id, ApplicationRef, 'id'),
        ),
      })),
  }),
}))

export { RevokedCount }
