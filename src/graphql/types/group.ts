/**
 * @module
 * Group (issue 16): a named set of users whose names the `groups` scope releases in the `groups`
 * claim. Administrators (admin:read too) see every group and its members; a viewer sees the groups
 * they belong to, not who else is in them.
 */
import { connection } from '../pagination.ts'
import { GroupRef, UserRef } from '../refs.ts'

GroupRef.implement({
  description: 'A group of users. Its name is what the groups claim carries (Gitea compares it exactly).',
  fields: (t) => ({
    name: t.exposeString('name'),
    description: t.exposeString('description', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    members: t.connection({
      type: UserRef,
      description: 'The members, oldest account first. Administrators and admin:read only.',
      authScopes: { adminRead: true },
      resolve: (g, args, ctx) => connection(args, (w) => ctx.services.groups.members({ id: g.id }, w)),
    }),
  }),
})
