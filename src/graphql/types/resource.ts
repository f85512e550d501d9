/** @module Resource: an RFC 8707 resource server registered by the operator (issue 18). */
import type { Resource } from '../../services/resources/resources.ts'
import { builder } from '../builder.ts'
import { TokenFormatEnum } from './application.ts'

export const ResourceRef = builder.objectRef<Resource>('Resource').implement({
  description:
    'A resource server clients name with the `resource` parameter (RFC 8707). Its access tokens are restricted ' +
    'to its URI (`aud`), carry only the scopes it accepts, and are opaque or RFC 9068 JWTs.',
  fields: (t) => ({
    name: t.exposeString('name'),
    uri: t.exposeString('uri', { description: 'The absolute URI clients send as `resource`, and the tokens’ aud.' }),
    scopes: t.exposeStringList('scopes', { description: 'The scopes it accepts.' }),
    tokenFormat: t.expose('tokenFormat', { type: TokenFormatEnum }),
    accessTokenLifetime: t.exposeInt('accessTokenTtl', {
      nullable: true,
      description: 'Seconds; null: the default (300 for JWTs, else the application’s or the server’s).',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
})

builder.queryFields((t) => ({
  resources: t.field({
    type: [ResourceRef],
    authScopes: { adminRead: true },
    resolve: (_r, _a, ctx) => ctx.services.resources.list(),
  }),
  resource: t.field({
    type: ResourceRef,
    nullable: true,
    authScopes: { adminRead: true },
    description: 'A resource by name or by URI.',
    args: { name: t.arg.string({ required: true }) },
    resolve: async (_r, a, ctx) => (await ctx.services.resources.find(a.name)) ?? null,
  }),
}))
