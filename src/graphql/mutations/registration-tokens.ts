/**
 * @module
 * Initial access tokens (RFC 7591 §3, issue 18): what an administrator hands to whoever may register a
 * client under registration policy `token`. The twin of `latchkey registration-token`. A token's value
 * appears once, in createInitialAccessToken's payload; only its last characters are readable after.
 */
import type { InitialAccessToken } from '../../services/registration/initial-access-tokens.ts'
import { builder } from '../builder.ts'
import { MUTATION_ERRORS } from '../errors.ts'
import { forInput } from '../input-fields.ts'
import { opt } from '../pagination.ts'
import { GrantTypeEnum } from '../types/application.ts'

const InitialAccessTokenStateEnum = builder.enumType('InitialAccessTokenState', {
  values: ['ACTIVE', 'EXPIRED', 'USED', 'REVOKED'] as const,
})

export const InitialAccessTokenRef = builder.objectRef<InitialAccessToken>('InitialAccessToken').implement({
  description:
    'An RFC 7591 initial access token: whoever presents it at the registration endpoint may register a client ' +
    'within its scopes and grant types, until it expires, is used up or is revoked.',
  fields: (t) => ({
    id: t.exposeID('id'),
    hint: t.exposeString('hint', { description: 'The last characters of the token, to recognise it by.' }),
    description: t.exposeString('description', { nullable: true }),
    scopes: t.exposeStringList('scopes', { description: 'The most a registration made with it may ask for.' }),
    grantTypes: t.field({ type: [GrantTypeEnum], resolve: (x) => x.grantTypes as never }),
    maxUses: t.exposeInt('maxUses', { nullable: true, description: 'Null: any number until it expires.' }),
    useCount: t.exposeInt('useCount'),
    state: t.field({
      type: InitialAccessTokenStateEnum,
      resolve: (x) => x.state.toUpperCase() as 'ACTIVE',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', nullable: true }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
  }),
})

const CreateInitialAccessTokenInput = builder.inputType('CreateInitialAccessTokenInput', {
  fields: (t) => ({
    expiresIn: t.int({ description: 'Seconds until it stops working, 60 to 366 days; default one day.' }),
    maxUses: t.int({ description: 'Registrations it may make; default 1. Null: any number until it expires.' }),
    scopes: t.stringList({ description: 'The ceiling on scopes; default openid, profile, email.' }),
    grantTypes: t.field({
      type: [GrantTypeEnum],
      description: 'The ceiling on grant types; default AUTHORIZATION_CODE and REFRESH_TOKEN (never PASSWORD).',
    }),
    description: t.string({ description: 'For whom or what it was made.' }),
  }),
})
const InitialAccessTokenIdInput = builder.inputType('InitialAccessTokenIdInput', {
  fields: (t) => ({ id: t.id({ required: true }) }),
})

const CreatedInitialAccessToken = builder
  .objectRef<{ token: string; initialAccessToken: InitialAccessToken }>('CreateInitialAccessTokenPayload')
  .implement({
    fields: (t) => ({
      token: t.exposeString('token', { description: 'Shown here once and never again.' }),
      initialAccessToken: t.field({ type: InitialAccessTokenRef, resolve: (p) => p.initialAccessToken }),
    }),
  })
const RevokedInitialAccessToken = builder
  .objectRef<{ initialAccessToken: InitialAccessToken }>('RevokeInitialAccessTokenPayload')
  .implement({
    fields: (t) => ({
      initialAccessToken: t.field({ type: InitialAccessTokenRef, resolve: (p) => p.initialAccessToken }),
    }),
  })

builder.queryFields((t) => ({
  initialAccessTokens: t.field({
    type: [InitialAccessTokenRef],
    description: 'Issue 18: every initial access token, newest first (administrators and read-only administrators).',
    authScopes: { adminRead: true },
    resolve: (_r, _a, ctx) => ctx.services.admin.registrationTokens.list(ctx.actor),
  }),
}))

builder.mutationFields((t) => ({
  createInitialAccessToken: t.field({
    type: CreatedInitialAccessToken,
    description: 'Issue 18, RFC 7591 §3: a token for registering clients under registration policy `token`.',
    errors: { types: MUTATION_ERRORS },
    authScopes: { admin: true },
    args: { input: t.arg({ type: CreateInitialAccessTokenInput, required: true }) },
    resolve: (_r, { input: i }, ctx) =>
      forInput('CreateInitialAccessTokenInput', () =>
        ctx.services.admin.registrationTokens.create(ctx.actor, {
          expiresIn: opt(i.expiresIn),
          ...(i.maxUses !== undefined && { maxUses: i.maxUses }),
          scopes: opt(i.scopes),
          grantTypes: opt(i.grantTypes) as never,
          description: opt(i.description),
        }),
      ),
  }),
  revokeInitialAccessToken: t.field({
    type: RevokedInitialAccessToken,
    description: 'Issue 18: the token stops working at once; clients it registered stay.',
    errors: { types: MUTATION_ERRORS },
    authScopes: { admin: true },
    args: { input: t.arg({ type: InitialAccessTokenIdInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      forInput('InitialAccessTokenIdInput', async () => ({
        initialAccessToken: await ctx.services.admin.registrationTokens.revoke(ctx.actor, String(input.id)),
      })),
  }),
}))
