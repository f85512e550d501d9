/** @module Resource registry mutations (RFC 8707, issue 18): administrators only. */
import type { Resource } from '../../services/resources/resources.ts'
import { builder } from '../builder.ts'
import { MUTATION_ERRORS } from '../errors.ts'
import { forInput } from '../input-fields.ts'
import { opt } from '../pagination.ts'
import { TokenFormatEnum } from '../types/application.ts'
import { ResourceRef } from '../types/resource.ts'

const LIFETIME = 'Seconds (30 to 86400); null: the default (300 for JWTs, else the application’s or the server’s).'

const CreateResourceInput = builder.inputType('CreateResourceInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    uri: t.string({ required: true, description: 'Absolute, no fragment and no query (RFC 8707 §2).' }),
    scopes: t.stringList({ description: 'The scopes it accepts (registered scopes).' }),
    tokenFormat: t.field({ type: TokenFormatEnum, description: 'OPAQUE (the default) or JWT (RFC 9068).' }),
    accessTokenLifetime: t.int({ description: LIFETIME }),
  }),
})
const UpdateResourceInput = builder.inputType('UpdateResourceInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    uri: t.string({ description: 'A new URI revokes the access tokens issued for the old one.' }),
    scopes: t.stringList(),
    tokenFormat: t.field({ type: TokenFormatEnum }),
    accessTokenLifetime: t.int({ description: LIFETIME }),
  }),
})
const ResourceNameInput = builder.inputType('ResourceNameInput', {
  fields: (t) => ({ name: t.string({ required: true }) }),
})

const ResourcePayload = builder.objectRef<{ resource: Resource }>('ResourcePayload').implement({
  fields: (t) => ({ resource: t.field({ type: ResourceRef, resolve: (p) => p.resource }) }),
})
const DeletedResource = builder
  .objectRef<{ name: string }>('DeleteResourcePayload')
  .implement({ fields: (t) => ({ name: t.exposeString('name') }) })

builder.mutationFields((t) => ({
  createResource: t.field({
    type: ResourcePayload,
    errors: { types: MUTATION_ERRORS },
    authScopes: { admin: true },
    args: { input: t.arg({ type: CreateResourceInput, required: true }) },
    resolve: (_r, { input: i }, ctx) =>
      forInput('CreateResourceInput', async () => ({
        resource: await ctx.services.admin.resources.create(ctx.actor, {
          name: i.name,
          uri: i.uri,
          scopes: opt(i.scopes),
          tokenFormat: opt(i.tokenFormat),
          accessTokenTtl: opt(i.accessTokenLifetime),
        }),
      })),
  }),
  updateResource: t.field({
    type: ResourcePayload,
    errors: { types: MUTATION_ERRORS },
    authScopes: { admin: true },
    args: { input: t.arg({ type: UpdateResourceInput, required: true }) },
    resolve: (_r, { input: i }, ctx) =>
      forInput('UpdateResourceInput', async () => ({
        // Absent: unchanged; accessTokenLifetime null: back to the default.
        resource: await ctx.services.admin.resources.update(ctx.actor, i.name, {
          uri: opt(i.uri),
          scopes: opt(i.scopes),
          tokenFormat: opt(i.tokenFormat),
          ...(Object.hasOwn(i, 'accessTokenLifetime') && { accessTokenTtl: i.accessTokenLifetime ?? null }),
        }),
      })),
  }),
  deleteResource: t.field({
    type: DeletedResource,
    errors: { types: MUTATION_ERRORS },
    authScopes: { admin: true },
    description: 'Its live access tokens are revoked; its refresh tokens and codes get invalid_target.',
    args: { input: t.arg({ type: ResourceNameInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      forInput('ResourceNameInput', async () => {
        await ctx.services.admin.resources.delete(ctx.actor, input.name)
        return { name: input.name }
      }),
  }),
}))
