/**
 * Issue 16: groups through the admin API. Administrators manage groups and memberships (typed errors
 * naming the input field, audit events); admin:read reads everything and changes nothing; a viewer
 * sees only the groups they belong to and not who else is in them.
 */
import { describe, expect, test } from 'bun:test'
import { startServer } from '../helpers/server.ts'
import { globalId, gql, ok, seedAdminWorld } from './support.ts'

const E = '__typename ... on Error { message field }'

describe('issue 16: groups in GraphQL', () => {
  test('an administrator creates, updates, fills, lists and deletes groups; every change is audited', async () => {
    await using server = await startServer()
    const w = await seedAdminWorld(server.provider.services)
    const admin = (q: string, v?: Record<string, unknown>) => ok(server, w.tokens.admin, q, v)
    const created = await admin(
      `mutation { createGroup(input: {name: "forge-admins", description: "Gitea admins"}) {
        ${E} ... on GroupPayload { group { id name description } } } }`,
    )
    const group = created.createGroup.group
    expect(group).toMatchObject({ name: 'forge-admins', description: 'Gitea admins' })
    const add = await admin(
      `mutation($g: ID!, $u: ID!) { addGroupMember(input: {group: $g, user: $u}) {
        ${E} ... on GroupMembershipPayload { changed group { name } user { username } } } }`,
      { g: group.id, u: globalId('User', w.alice.id) },
    )
    expect(add.addGroupMember).toEqual({
      __typename: 'GroupMembershipPayload',
      changed: true,
      group: { name: 'forge-admins' },
      user: { username: 'alice' },
    })
    const updated = await admin(
      `mutation($id: ID!) { updateGroup(input: {id: $id, name: "admins", description: null}) {
        ${E} ... on GroupPayload { group { name description } } } }`,
      { id: group.id },
    )
    expect(updated.updateGroup.group).toEqual({ name: 'admins', description: null })

    const read = await admin(
      `{ groups(search: "ADM") { edges { node { name members { edges { node { username } } } } } }
         group(name: "Admins") { id }
         user(username: "alice") { groups { edges { node { name } } } } }`,
    )
    expect(read.groups.edges).toEqual([
      { node: { name: 'admins', members: { edges: [{ node: { username: 'alice' } }] } } },
    ])
    expect(read.group.id).toBe(group.id)
    expect(read.user.groups.edges).toEqual([{ node: { name: 'admins' } }])
    const node = await admin(`query($id: ID!) { node(id: $id) { ... on Group { name } } }`, { id: group.id })
    expect(node.node).toEqual({ name: 'admins' })

    const removed = await admin(
      `mutation($g: ID!, $u: ID!) { removeGroupMember(input: {group: $g, user: $u}) {
        ${E} ... on GroupMembershipPayload { changed } } }`,
      { g: group.id, u: globalId('User', w.alice.id) },
    )
    expect(removed.removeGroupMember.changed).toBe(true)
    const deleted = await admin(
      `mutation($id: ID!) { deleteGroup(input: {id: $id}) { ${E} ... on DeleteGroupPayload { deletedGroupId name } } }`,
      { id: group.id },
    )
    expect(deleted.deleteGroup).toMatchObject({ deletedGroupId: group.id, name: 'admins' })

    const audit = await admin(
      `{ auditEvents(first: 100) { edges { node { type actor { username } user { username } detail } } } }`,
    )
    const events = audit.auditEvents.edges
      .map((e: { node: { type: string } }) => e.node)
      .filter((e: { type: string }) => e.type.startsWith('group.'))
      .reverse() // newest first on the wire
    expect(events.map((e: { type: string }) => e.type)).toEqual([
      'group.created',
      'group.member_added',
      'group.renamed',
      'group.described',
      'group.member_removed',
      'group.deleted',
    ])
    expect(events.every((e: { actor: { username: string } }) => e.actor.username === 'root')).toBe(true)
    const members = events.filter((e: { user: { username: string } | null }) => e.user !== null)
    expect(members.map((e: { user: { username: string } }) => e.user.username)).toEqual(['alice', 'alice'])
    expect(events[2].detail).toMatchObject({ from: 'forge-admins', to: 'admins' })
  })

  test('typed errors name the input field: a bad or taken name, an unknown group, an ID of another type', async () => {
    await using server = await startServer()
    const w = await seedAdminWorld(server.provider.services)
    const call = async (mutation: string) =>
      Object.values(await ok(server, w.tokens.admin, `mutation { ${mutation} { ${E} } }`))[0]
    await call('createGroup(input: {name: "ops"})')
    expect(await call('createGroup(input: {name: "a b"})')).toMatchObject({
      __typename: 'ValidationError',
      field: 'name',
    })
    expect(await call('createGroup(input: {name: "OPS"})')).toMatchObject({
      __typename: 'ConflictError',
      field: 'name',
      message: 'a group named ops exists',
    })
    const dev = (await call('createGroup(input: {name: "dev"})')) as { __typename: string }
    expect(dev.__typename).toBe('GroupPayload')
    const devId = (await ok(server, w.tokens.admin, '{ group(name: "dev") { id } }')).group.id
    expect(await call(`updateGroup(input: {id: "${devId}", name: "Ops"})`)).toMatchObject({
      __typename: 'ConflictError',
      field: 'name',
    })
    expect(await call(`updateGroup(input: {id: "${devId}", name: "x,y"})`)).toMatchObject({
      __typename: 'ValidationError',
      field: 'name',
    })
    const alice = globalId('User', w.alice.id)
    expect(
      await call(`addGroupMember(input: {group: "${globalId('Group', 'nope')}", user: "${alice}"})`),
    ).toMatchObject({ __typename: 'NotFoundError', field: 'group' })
    expect(await call(`addGroupMember(input: {group: "${devId}", user: "${devId}"})`)).toMatchObject({
      __typename: 'ValidationError',
      field: 'user',
    })
    expect(
      await call(`addGroupMember(input: {group: "${devId}", user: "${globalId('User', 'nobody')}"})`),
    ).toMatchObject({ __typename: 'NotFoundError', field: 'user' })
    expect(await call(`deleteGroup(input: {id: "${alice}"})`)).toMatchObject({
      __typename: 'ValidationError',
      field: 'id',
    })
  })

  test('admin:read reads every group and its members, changes nothing; a viewer sees only their groups', async () => {
    await using server = await startServer()
    const w = await seedAdminWorld(server.provider.services)
    const { groups } = server.provider.services
    const dev = await groups.create({ name: 'dev' })
    await groups.create({ name: 'ops' })
    await groups.addMember({ name: 'dev' }, { username: 'alice' })
    await groups.addMember({ name: 'dev' }, { username: 'bob' })

    const all = await ok(
      server,
      w.tokens.adminRead,
      '{ groups { edges { node { name members { edges { node { username } } } } } } }',
    )
    expect(all.groups.edges.map((e: any) => e.node.name)).toEqual(['dev', 'ops'])
    expect(all.groups.edges[0].node.members.edges).toHaveLength(2)
    const refused = await ok(server, w.tokens.adminRead, `mutation { createGroup(input: {name: "x"}) { ${E} } }`)
    expect(refused.createGroup.__typename).toBe('ForbiddenError')

    const mine = await ok(
      server,
      w.tokens.alice,
      `{ groups { edges { node { name } } } ops: group(name: "ops") { id } dev: group(name: "DEV") { name }
         viewer { user { groups { edges { node { name } } } } } }`,
    )
    expect(mine.groups.edges).toEqual([{ node: { name: 'dev' } }])
    expect(mine.ops).toBeNull()
    expect(mine.dev).toEqual({ name: 'dev' })
    expect(mine.viewer.user.groups.edges).toEqual([{ node: { name: 'dev' } }])
    const ops = (await groups.find({ name: 'ops' }))!
    const probe = await ok(server, w.tokens.alice, `query($id: ID!) { node(id: $id) { id } }`, {
      id: globalId('Group', ops.id),
    })
    expect(probe.node).toBeNull()
    const members = await gql(server, w.tokens.alice, `{ group(name: "dev") { members { edges { node { id } } } } }`)
    expect(members.body.errors?.[0]?.message).toContain('administrator')
    for (const token of [w.tokens.alice, w.tokens.bobAdminScope]) {
      const r = await ok(
        server,
        token,
        `mutation($g: ID!, $u: ID!) { addGroupMember(input: {group: $g, user: $u}) { ${E} } }`,
        { g: globalId('Group', dev.id), u: globalId('User', w.bob.id) },
      )
      expect(r.addGroupMember.__typename).toBe('ForbiddenError')
    }
  })
})
