/** @module Root queries: the viewer, and every list as a cursor connection with dashboard filters. */
import { builder } from '../builder.ts'
import { optionalIdOf } from '../global-ids.ts'
import { connection, opt } from '../pagination.ts'
import {
  ActiveFilter,
  ApplicationRef,
  AuditEventRef,
  GrantRef,
  GroupRef,
  isActive,
  SigningKeyRef,
  TokenKindEnum,
  TokenRef,
  UserRef,
} from '../refs.ts'
import { narrowTo } from '../../services/admin/access.ts'
import { ScopeRef } from './scope.ts'

const AccessLevelEnum = builder.enumType('AccessLevel', {
  description:
    'ADMIN: everything. READ (admin:read): read everything, change nothing. ' +
    'VIEWER: own applications, grants and tokens.',
  values: { ADMIN: { value: 'admin' }, READ: { value: 'read' }, VIEWER: { value: 'viewer' } } as const,
})

const Viewer = builder.objectRef<{ userId: string }>('Viewer').implement({
  description: 'The caller: who the token belongs to and what it may do.',
  fields: (t) => ({
    user: t.field({ type: UserRef, resolve: (v) => v.userId }),
    accessLevel: t.field({ type: AccessLevelEnum, resolve: (_v, _a, ctx) => ctx.actor.level }),
    canWrite: t.boolean({ resolve: (_v, _a, ctx) => ctx.actor.canWrite }),
    scopes: t.stringList({
      description: "The token's scopes, with everything they imply.",
      resolve: (_v, _a, ctx) => ctx.actor.scopes,
    }),
  }),
})

builder.queryFields((t) => ({
  viewer: t.field({ type: Viewer, resolve: (_r, _a, ctx) => ({ userId: ctx.actor.userId }) }),
  applications: t.connection({
    type: ApplicationRef,
    args: {
      owner: t.arg.id(),
      search: t.arg.string({ description: 'Part of the name, case-insensitive.' }),
    },
    resolve: (_r, args, ctx) =>
      connection(args, (w) =>
        ctx.services.admin.applications.page(ctx.actor, w, {
          ownerId: optionalIdOf(args.owner, UserRef, 'owner'),
          search: opt(args.search)?.slice(0, 100),
        }),
      ),
  }),
  application: t.field({
    type: ApplicationRef,
    nullable: true,
    args: { clientId: t.arg.string({ required: true }) },
    resolve: (_r, args, ctx) => ctx.services.admin.applications.byClientId(ctx.actor, args.clientId),
  }),
  users: t.connection({
    type: UserRef,
    args: {
      disabled: t.arg.boolean(),
      search: t.arg.string({ description: 'Part of the username, e-mail address or name, case-insensitive.' }),
    },
    resolve: (_r, args, ctx) =>
      connection(args, (w) =>
        ctx.services.admin.users.page(ctx.actor, w, { disabled: opt(args.disabled), search: opt(args.search) }),
      ),
  }),
  user: t.field({
    type: UserRef,
    nullable: true,
    args: { username: t.arg.string({ required: true }) },
    resolve: (_r, args, ctx) => ctx.services.admin.users.byUsername(ctx.actor, args.username),
  }),
  groups: t.connection({
    type: GroupRef,
    description: 'Every group, oldest first; a viewer sees the groups they belong to.',
    args: { search: t.arg.string({ description: 'Part of the name, case-insensitive.' }) },
    resolve: (_r, args, ctx) =>
      connection(args, (w) =>
        ctx.services.groups.list(w, { search: opt(args.search)?.slice(0, 100), memberId: narrowTo(ctx.actor) }),
      ),
  }),
  group: t.field({
    type: GroupRef,
    nullable: true,
    description: 'A group by name (in any case); null for a viewer outside it.',
    args: { name: t.arg.string({ required: true }) },
    resolve: async (_r, args, ctx) =>
      (await ctx.services.groups.find({ name: args.name }, narrowTo(ctx.actor))) ?? null,
  }),
  scopes: t.field({ type: [ScopeRef], resolve: (_r, _a, ctx) => ctx.services.scopes.all() }),
  scope: t.field({
    type: ScopeRef,
    nullable: true,
    args: { name: t.arg.string({ required: true }) },
    resolve: async (_r, a, ctx) => (await ctx.services.scopes.find(a.name)) ?? null,
  }),
  grants: t.connection({
    type: GrantRef,
    args: {
      user: t.arg.id(),
      application: t.arg.id(),
      state: t.arg({ type: ActiveFilter }),
      scope: t.arg.string(),
    },
    resolve: (_r, args, ctx) =>
      connection(args, (w) =>
        ctx.services.admin.tokens.grantsPage(ctx.actor, w, {
          userId: optionalIdOf(args.user, UserRef, 'user'),
          applicationId: optionalIdOf(args.application, ApplicationRef, 'application'),
          active: isActive(args.state),
          scope: opt(args.scope),
        }),
      ),
  }),
  tokens: t.connection({
    type: TokenRef,
    args: {
      user: t.arg.id(),
      application: t.arg.id(),
      state: t.arg({ type: ActiveFilter }),
      kind: t.arg({ type: TokenKindEnum }),
      scope: t.arg.string(),
    },
    resolve: (_r, args, ctx) =>
      connection(args, (w) =>
        ctx.services.admin.tokens.page(ctx.actor, w, {
          userId: optionalIdOf(args.user, UserRef, 'user'),
          applicationId: optionalIdOf(args.application, ApplicationRef, 'application'),
          active: isActive(args.state),
          kind: opt(args.kind),
          scope: opt(args.scope),
        }),
      ),
  }),
  signingKeys: t.field({
    type: [SigningKeyRef],
    description: 'Empty for viewers.',
    resolve: (_r, _a, ctx) => ctx.services.admin.keys.list(ctx.actor),
  }),
  auditEvents: t.connection({
    type: AuditEventRef,
    args: {
      type: t.arg.string(),
      user: t.arg.id(),
      application: t.arg.id(),
      since: t.arg({ type: 'DateTime', description: 'Events at or after this instant.' }),
      until: t.arg({ type: 'DateTime', description: 'Events before this instant.' }),
    },
    resolve: (_r, args, ctx) =>
      connection(args, (w) =>
        ctx.services.admin.users.auditPage(ctx.actor, w, {
          type: opt(args.type),
          userId: optionalIdOf(args.user, UserRef, 'user'),
          applicationId: optionalIdOf(args.application, ApplicationRef, 'application'),
          since: opt(args.since),
          until: opt(args.until),
        }),
      ),
  }),
}))
