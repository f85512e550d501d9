/**
 * @module
 * Users, grants and tokens. User changes are for administrators; a viewer with the api scope
 * may revoke their own grants and tokens (and those of applications they own) and create
 * personal access tokens no wider than the token they call with.
 */
import type { TokenView } from '../../services/admin/tokens.ts'
import type { Grant } from '../../services/grants/grants.ts'
import type { User } from '../../services/users/users.ts'
import { builder } from '../builder.ts'
import { MUTATION_ERRORS } from '../errors.ts'
import { idOf } from '../global-ids.ts'
import { forInput } from '../input-fields.ts'
import { opt } from '../pagination.ts'
import { GrantRef, TokenRef, UserRef } from '../refs.ts'
import { RevokedCount } from './applications.ts'

const CreateUserInput = builder.inputType('CreateUserInput', {
  fields: (t) => ({
    username: t.string({ required: true }),
    password: t.string({
      description:
        'Omit for an account without a password (an invitation): createPasswordResetLink makes the link where ' +
        'its user sets one.',
    }),
    email: t.string(),
    name: t.string(),
    isAdmin: t.boolean(),
    emailVerified: t.boolean({
      description: 'You vouch for the address: the email_verified claim says true. Needs an email; defaults to false.',
    }),
  }),
})
const UpdateUserInput = builder.inputType('UpdateUserInput', {
  fields: (t) => ({
    id: t.id({ required: true }),
    email: t.string(),
    name: t.string(),
    isAdmin: t.boolean(),
    emailVerified: t.boolean({
      description: 'A changed email is unverified unless this same input says true again.',
    }),
  }),
})
const UserIdInput = builder.inputType('UserIdInput', {
  fields: (t) => ({ id: t.id({ required: true }) }),
})
const ResetPasswordInput = builder.inputType('ResetUserPasswordInput', {
  fields: (t) => ({
    id: t.id({ required: true }),
    password: t.string({ description: 'Omit to have one generated (returned once).' }),
  }),
})
const GrantIdInput = builder.inputType('GrantIdInput', {
  fields: (t) => ({ id: t.id({ required: true }) }),
})
const TokenIdInput = builder.inputType('TokenIdInput', {
  fields: (t) => ({ id: t.id({ required: true }) }),
})
const PersonalTokenInput = builder.inputType('CreatePersonalAccessTokenInput', {
  fields: (t) => ({
    scopes: t.stringList({ required: true }),
    expiresIn: t.int({ description: 'Seconds (60 to 366 days); omit for a token that does not expire.' }),
  }),
})

const UserPayload = builder.objectRef<{ user: User }>('UserPayload').implement({
  fields: (t) => ({ user: t.field({ type: UserRef, resolve: (p) => p.user }) }),
})
const ResetPayload = builder
  .objectRef<{ user: User; generatedPassword: string | null }>('ResetUserPasswordPayload')
  .implement({
    fields: (t) => ({
      user: t.field({ type: UserRef, resolve: (p) => p.user }),
      generatedPassword: t.exposeString('generatedPassword', {
        nullable: true,
        description: 'Shown once, only when no password was given.',
      }),
    }),
  })
const ResetLinkPayload = builder
  .objectRef<{ user: User; url: string; expiresAt: number }>('CreatePasswordResetLinkPayload')
  .implement({
    fields: (t) => ({
      user: t.field({ type: UserRef, resolve: (p) => p.user }),
      url: t.exposeString('url', { description: 'The one-time link: shown here once, never again.' }),
      expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
    }),
  })
const DeletedUser = builder.objectRef<{ user: User }>('DeleteUserPayload').implement({
  fields: (t) => ({
    deletedUserId: t.globalID({ resolve: (p) => ({ type: 'User', id: p.user.id }) }),
    username: t.string({ resolve: (p) => p.user.username }),
  }),
})
const GrantPayload = builder.objectRef<{ grant: Grant }>('RevokeGrantPayload').implement({
  fields: (t) => ({ grant: t.field({ type: GrantRef, resolve: (p) => p.grant }) }),
})
const TokenPayload = builder.objectRef<{ token: TokenView }>('RevokeTokenPayload').implement({
  fields: (t) => ({ token: t.field({ type: TokenRef, resolve: (p) => p.token }) }),
})
const PersonalTokenPayload = builder
  .objectRef<{ token: string; view: TokenView }>('CreatePersonalAccessTokenPayload')
  .implement({
    fields: (t) => ({
      token: t.field({ type: TokenRef, resolve: (p) => p.view }),
      value: t.exposeString('token', { description: 'The token itself: shown here once, never again.' }),
    }),
  })

builder.mutationFields((t) => ({
  createUser: t.field({
    type: UserPayload,
    errors: { types: MUTATION_ERRORS },
    authScopes: { admin: true },
    args: { input: t.arg({ type: CreateUserInput, required: true }) },
    resolve: (_r, { input: i }, ctx) =>
      forInput('CreateUserInput', async () => ({
        user: await ctx.services.admin.users.create(ctx.actor, {
          username: i.username,
          password: i.password ?? null,
          email: opt(i.email),
          name: opt(i.name),
          isAdmin: opt(i.isAdmin),
          emailVerified: opt(i.emailVerified),
        }),
      })),
  }),
  updateUser: t.field({
    type: UserPayload,
    errors: { types: MUTATION_ERRORS },
    authScopes: { admin: true },
    args: { input: t.arg({ type: UpdateUserInput, required: true }) },
    resolve: (_r, { input: i }, ctx) =>
      forInput('UpdateUserInput', async () => ({
        user: await ctx.services.admin.users.update(ctx.actor, idOf(i.id, UserRef, 'id'), {
          email: i.email,
          name: i.name,
          isAdmin: opt(i.isAdmin),
          emailVerified: opt(i.emailVerified),
        }),
      })),
  }),
  disableUser: t.field({
    type: UserPayload,
    description: 'Disables the account, ends its sessions and revokes every token it holds.',
    errors: { types: MUTATION_ERRORS },
    authScopes: { admin: true },
    args: { input: t.arg({ type: UserIdInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      forInput('UserIdInput', async () => ({
        user: await ctx.services.admin.users.disable(ctx.actor, idOf(input.id, UserRef, 'id')),
      })),
  }),
  enableUser: t.field({
    type: UserPayload,
    description: 'Lets a disabled account sign in again. Tokens revoked when it was disabled stay revoked.',
    errors: { types: MUTATION_ERRORS },
    authScopes: { admin: true },
    args: { input: t.arg({ type: UserIdInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      forInput('UserIdInput', async () => ({
        user: await ctx.services.admin.users.enable(ctx.actor, idOf(input.id, UserRef, 'id')),
      })),
  }),
  deleteUser: t.field({
    type: DeletedUser,
    description:
      'Deletes the account: its sessions, tokens, codes and grants end with it; applications it owned stay, ' +
      'without an owner. Audit events are kept (user.deleted names the username).',
    errors: { types: MUTATION_ERRORS },
    authScopes: { admin: true },
    args: { input: t.arg({ type: UserIdInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      forInput('UserIdInput', async () => ({
        user: await ctx.services.admin.users.delete(ctx.actor, idOf(input.id, UserRef, 'id')),
      })),
  }),
  clearUserSignInLockout: t.field({
    type: UserPayload,
    description:
      'Lifts the lockout after too many failed sign-ins (10 in 15 minutes per username). Setting a password ' +
      'lifts it too.',
    errors: { types: MUTATION_ERRORS },
    authScopes: { admin: true },
    args: { input: t.arg({ type: UserIdInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      forInput('UserIdInput', async () => ({
        user: await ctx.services.admin.users.clearLockout(ctx.actor, idOf(input.id, UserRef, 'id')),
      })),
  }),
  resetUserPassword: t.field({
    type: ResetPayload,
    errors: { types: MUTATION_ERRORS },
    authScopes: { admin: true },
    args: { input: t.arg({ type: ResetPasswordInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      forInput('ResetUserPasswordInput', () =>
        ctx.services.admin.users.resetPassword(ctx.actor, idOf(input.id, UserRef, 'id'), input.password),
      ),
  }),
  createPasswordResetLink: t.field({
    type: ResetLinkPayload,
    description:
      'A one-time link (valid 24 hours) where the user sets a new password; their sessions end and a sign-in ' +
      'lockout is lifted. A new link ends the previous one. For an account created without a password it is ' +
      'the invitation.',
    errors: { types: MUTATION_ERRORS },
    authScopes: { admin: true },
    args: { input: t.arg({ type: UserIdInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      forInput('UserIdInput', () => ctx.services.admin.users.makeResetLink(ctx.actor, idOf(input.id, UserRef, 'id'))),
  }),
  revokeUserTokens: t.field({
    type: RevokedCount,
    description: 'Revokes every token the user holds. Administrators, or the user themselves.',
    errors: { types: MUTATION_ERRORS },
    authScopes: { writer: true },
    args: { input: t.arg({ type: UserIdInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      forInput('UserIdInput', async () => ({
        revokedCount: await ctx.services.admin.tokens.revokeAllOfUser(ctx.actor, idOf(input.id, UserRef, 'id')),
      })),
  }),
  revokeGrant: t.field({
    type: GrantPayload,
    description: 'Revokes the consent and every token issued under it, at once.',
    errors: { types: MUTATION_ERRORS },
    authScopes: { writer: true },
    args: { input: t.arg({ type: GrantIdInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      forInput('GrantIdInput', async () => ({
        grant: await ctx.services.admin.tokens.revokeGrant(ctx.actor, idOf(input.id, GrantRef, 'id')),
      })),
  }),
  revokeToken: t.field({
    type: TokenPayload,
    description:
      'Revokes a token; an OAuth token takes its refresh-token family with it. List personal access tokens with ' +
      'tokens(kind: PERSONAL).',
    errors: { types: MUTATION_ERRORS },
    authScopes: { writer: true },
    args: { input: t.arg({ type: TokenIdInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      forInput('TokenIdInput', async () => ({
        token: await ctx.services.admin.tokens.revoke(ctx.actor, idOf(input.id, TokenRef, 'id')),
      })),
  }),
  createPersonalAccessToken: t.field({
    type: PersonalTokenPayload,
    errors: { types: MUTATION_ERRORS },
    authScopes: { writer: true },
    args: { input: t.arg({ type: PersonalTokenInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      forInput('CreatePersonalAccessTokenInput', () =>
        ctx.services.admin.tokens.createPersonal(ctx.actor, {
          scopes: input.scopes,
          expiresIn: input.expiresIn ?? null,
        }),
      ),
  }),
}))
