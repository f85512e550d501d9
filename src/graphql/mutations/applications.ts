/**
 * @module
 * Application mutations. Validation is the services' (zod, redirect-uri rules written once); a
 * secret appears only in the payload of createApplication and rotateApplicationSecret.
 */
import type { Application } from '../../services/applications/applications.ts'
import { builder } from '../builder.ts'
import { MUTATION_ERRORS } from '../errors.ts'
import { opt } from '../pagination.ts'
import { ApplicationRef, GroupRef, UserRef } from '../refs.ts'
import { idOf, optionalIdOf } from '../global-ids.ts'
import { forInput } from '../input-fields.ts'
import { AlgEnum, GrantTypeEnum, RefreshTokenPolicyEnum, TokenFormatEnum } from '../types/application.ts'

const CreateApplicationInput = builder.inputType('CreateApplicationInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
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
    owner: t.id({ description: 'Administrators only; defaults to the caller.' }),
    allowedGroups: t.idList({
      description: 'Administrators only. Only members of these groups may use it; empty or absent: everyone.',
    }),
  }),
})

const UpdateApplicationInput = builder.inputType('UpdateApplicationInput', {
  fields: (t) => ({
    id: t.id({ required: true }),
    name: t.string(),
    redirectUris: t.stringList(),
    allowedScopes: t.stringList(),
    grantTypes: t.field({ type: [GrantTypeEnum] }),
    trusted: t.boolean(),
    canIntrospect: t.boolean(),
    idTokenAlg: t.field({ type: AlgEnum }),
    refreshTokenPolicy: t.field({ type: RefreshTokenPolicyEnum }),
    tokenFormat: t.field({ type: TokenFormatEnum }),
    accessTokenLifetime: t.int({ description: 'Seconds; send null to use the server default.' }),
    refreshTokenLifetime: t.int({ description: 'Seconds; send null to use the server default.' }),
    allowedGroups: t.idList({
      description: 'Administrators only. Replaces the list; an empty list opens it to everyone again.',
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
          redirectUris: i.redirectUris,
          scopes: opt(i.allowedScopes),
          grantTypes: opt(i.grantTypes),
          isPublic: opt(i.public),
          isTrusted: opt(i.trusted),
          canIntrospect: opt(i.canIntrospect),
          idTokenAlg: opt(i.idTokenAlg),
          refreshPolicy: opt(i.refreshTokenPolicy),
          ownerId: optionalIdOf(i.owner, UserRef, 'owner'),
          allowedGroups: groupIds(i.allowedGroups),
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
          grantTypes: opt(i.grantTypes),
          isTrusted: opt(i.trusted),
          canIntrospect: opt(i.canIntrospect),
          idTokenAlg: opt(i.idTokenAlg),
          refreshPolicy: opt(i.refreshTokenPolicy),
          tokenFormat: opt(i.tokenFormat),
          ...(present(i, 'accessTokenLifetime') && { accessTokenTtl: i.accessTokenLifetime ?? null }),
          ...(present(i, 'refreshTokenLifetime') && { refreshTokenTtl: i.refreshTokenLifetime ?? null }),
          allowedGroups: groupIds(i.allowedGroups),
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
