/**
 * @module
 * Groups and memberships (issue 16): administrators only, as for users. Membership changes are seen by
 * the next token issued (ID tokens) and at once by userinfo and introspection.
 */
import type { Group } from '../../services/groups/groups.ts'
import type { User } from '../../services/users/users.ts'
import { builder } from '../builder.ts'
import { MUTATION_ERRORS } from '../errors.ts'
import { idOf } from '../global-ids.ts'
import { forInput } from '../input-fields.ts'
import { GroupRef, UserRef } from '../refs.ts'

const NAME_DESCRIPTION =
  'Letters, digits, ".", "_" and "-", starting with a letter or digit, at most 64; unique in any case.'

const CreateGroupInput = builder.inputType('CreateGroupInput', {
  fields: (t) => ({
    name: t.string({ required: true, description: NAME_DESCRIPTION }),
    description: t.string(),
  }),
})
const UpdateGroupInput = builder.inputType('UpdateGroupInput', {
  fields: (t) => ({
    id: t.id({ required: true }),
    name: t.string({ description: `Renames the group. ${NAME_DESCRIPTION}` }),
    description: t.string({ description: 'Null or empty clears it.' }),
  }),
})
const GroupIdInput = builder.inputType('GroupIdInput', {
  fields: (t) => ({ id: t.id({ required: true }) }),
})
const GroupMemberInput = builder.inputType('GroupMemberInput', {
  fields: (t) => ({ group: t.id({ required: true }), user: t.id({ required: true }) }),
})

const GroupPayload = builder.objectRef<{ group: Group }>('GroupPayload').implement({
  fields: (t) => ({ group: t.field({ type: GroupRef, resolve: (p) => p.group }) }),
})
const DeletedGroup = builder.objectRef<{ group: Group }>('DeleteGroupPayload').implement({
  fields: (t) => ({
    deletedGroupId: t.globalID({ resolve: (p) => ({ type: 'Group', id: p.group.id }) }),
    name: t.string({ resolve: (p) => p.group.name }),
  }),
})
const MembershipPayload = builder
  .objectRef<{ group: Group; user: User; changed: boolean }>('GroupMembershipPayload')
  .implement({
    fields: (t) => ({
      group: t.field({ type: GroupRef, resolve: (p) => p.group }),
      user: t.field({ type: UserRef, resolve: (p) => p.user }),
      changed: t.exposeBoolean('changed', {
        description: 'False when nothing changed (already a member, or not one).',
      }),
    }),
  })

builder.mutationFields((t) => ({
  createGroup: t.field({
    type: GroupPayload,
    errors: { types: MUTATION_ERRORS },
    authScopes: { admin: true },
    args: { input: t.arg({ type: CreateGroupInput, required: true }) },
    resolve: (_r, { input: i }, ctx) =>
      forInput('CreateGroupInput', async () => ({
        group: await ctx.services.groups.create({ name: i.name, description: i.description }, ctx.actor.userId),
      })),
  }),
  updateGroup: t.field({
    type: GroupPayload,
    description: 'Renames the group and/or sets its description; only what is given changes.',
    errors: { types: MUTATION_ERRORS },
    authScopes: { admin: true },
    args: { input: t.arg({ type: UpdateGroupInput, required: true }) },
    resolve: (_r, { input: i }, ctx) =>
      forInput('UpdateGroupInput', async () => ({
        group: await ctx.services.groups.update(
          { id: idOf(i.id, GroupRef, 'id') },
          // A null name is no rename (a name cannot be cleared); a null description clears it.
          { newName: i.name ?? undefined, description: i.description },
          ctx.actor.userId,
        ),
      })),
  }),
  deleteGroup: t.field({
    type: DeletedGroup,
    description: 'Deletes the group and its memberships; its users stay.',
    errors: { types: MUTATION_ERRORS },
    authScopes: { admin: true },
    args: { input: t.arg({ type: GroupIdInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      forInput('GroupIdInput', async () => ({
        group: await ctx.services.groups.delete({ id: idOf(input.id, GroupRef, 'id') }, ctx.actor.userId),
      })),
  }),
  addGroupMember: t.field({
    type: MembershipPayload,
    description: 'Adds the user to the group; adding a member again changes nothing.',
    errors: { types: MUTATION_ERRORS },
    authScopes: { admin: true },
    args: { input: t.arg({ type: GroupMemberInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      forInput('GroupMemberInput', () =>
        ctx.services.groups.addMember(
          { id: idOf(input.group, GroupRef, 'group') },
          { id: idOf(input.user, UserRef, 'user') },
          ctx.actor.userId,
        ),
      ),
  }),
  removeGroupMember: t.field({
    type: MembershipPayload,
    description: 'Removes the user from the group; removing a non-member changes nothing.',
    errors: { types: MUTATION_ERRORS },
    authScopes: { admin: true },
    args: { input: t.arg({ type: GroupMemberInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      forInput('GroupMemberInput', () =>
        ctx.services.groups.removeMember(
          { id: idOf(input.group, GroupRef, 'group') },
          { id: idOf(input.user, UserRef, 'user') },
          ctx.actor.userId,
        ),
      ),
  }),
}))
