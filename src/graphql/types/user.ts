/** @module User: an account. A viewer sees only themselves; password hashes are never exposed. */
import { connection, opt } from '../pagination.ts'
import {
  ActiveFilter,
  ApplicationRef,
  GrantRef,
  GroupRef,
  isActive,
  TokenKindEnum,
  TokenRef,
  UserRef,
} from '../refs.ts'

UserRef.implement({
  authScopes: (user) => ({ adminRead: true, self: user.id }),
  fields: (t) => ({
    number: t.exposeInt('number', {
      description:
        "A stable integer, never given to another user: the `id` of the forges' user APIs " +
        '(GET /api/v4/user, GET /api/v1/user).',
    }),
    username: t.exposeString('username'),
    email: t.exposeString('email', { nullable: true }),
    emailVerified: t.exposeBoolean('emailVerified', {
      description: 'An administrator vouched for the address (OIDC Core §5.1 email_verified); false without one.',
    }),
    name: t.exposeString('name', { nullable: true }),
    isAdmin: t.exposeBoolean('isAdmin'),
    isReadOnlyAdmin: t.exposeBoolean('isReadOnlyAdmin', {
      description:
        'A read-only administrator (issue 17): their browser session reads everything in the console and ' +
        'the API and changes nothing. An administrator who also has this role is an administrator.',
    }),
    disabled: t.exposeBoolean('disabled'),
    signInLockedFor: t.int({
      description:
        'Issue 17: seconds until this user may try to sign in again after too many failed sign-ins (10 in 15 ' +
        'minutes); 0 when not locked out. clearUserSignInLockout (latchkey user unlock) lifts it.',
      resolve: (u, _a, ctx) => ctx.services.admin.users.lockedFor(u),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    applications: t.connection({
      type: ApplicationRef,
      description: 'Applications this user owns.',
      resolve: (u, args, ctx) =>
        connection(args, (w) => ctx.services.admin.applications.page(ctx.actor, w, { ownerId: u.id })),
    }),
    groups: t.connection({
      type: GroupRef,
      description: 'The groups this user belongs to (their names are the groups claim), oldest group first.',
      resolve: (u, args, ctx) => connection(args, (w) => ctx.services.groups.list(w, { memberId: u.id })),
    }),
    grants: t.connection({
      type: GrantRef,
      args: { state: t.arg({ type: ActiveFilter }), scope: t.arg.string() },
      resolve: (u, args, ctx) =>
        connection(args, (w) =>
          ctx.services.admin.tokens.grantsPage(ctx.actor, w, {
            userId: u.id,
            active: isActive(args.state),
            scope: opt(args.scope),
          }),
        ),
    }),
    tokens: t.connection({
      type: TokenRef,
      args: { state: t.arg({ type: ActiveFilter }), kind: t.arg({ type: TokenKindEnum }), scope: t.arg.string() },
      resolve: (u, args, ctx) =>
        connection(args, (w) =>
          ctx.services.admin.tokens.page(ctx.actor, w, {
            userId: u.id,
            active: isActive(args.state),
            kind: opt(args.kind),
            scope: opt(args.scope),
          }),
        ),
    }),
  }),
})
