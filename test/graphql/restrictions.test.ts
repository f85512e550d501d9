/**
 * Issue 16 in the admin API: Application.allowedGroups / restrictedToGroups and the allowedGroups
 * inputs (administrators only: who may use an application is theirs to decide), and
 * User.emailVerified with the emailVerified inputs. Errors name the input field.
 */
import { describe, expect, test } from 'bun:test'
import { startServer } from '../helpers/server.ts'
import { globalId, ok, seedAdminWorld } from './support.ts'

const E = '__typename ... on Error { message field }'
const APP = 'application { id allowedGroups { name } restrictedToGroups }'

describe('issue 16: restricted applications and verified addresses in GraphQL', () => {
  test('an administrator restricts an application to groups, replaces and clears the list', async () => {
    await using server = await startServer()
    const w = await seedAdminWorld(server.provider.services)
    const { groups } = server.provider.services
    const devs = await groups.create({ name: 'devs' })
    const ops = await groups.create({ name: 'ops' })
    const admin = (q: string, v?: Record<string, unknown>) => ok(server, w.tokens.admin, q, v)
    const created = await admin(
      `mutation($g: [ID!]) { createApplication(input: {name: "Wiki", redirectUris: ["https://wiki.example/cb"],
        allowedGroups: $g}) { ${E} ... on ApplicationWithSecret { ${APP} } } }`,
      { g: [globalId('Group', ops.id), globalId('Group', devs.id)] },
    )
    const app = created.createApplication.application
    expect(app).toMatchObject({ allowedGroups: [{ name: 'devs' }, { name: 'ops' }], restrictedToGroups: true })
    const update = (g: unknown) =>
      admin(
        `mutation($id: ID!, $g: [ID!]) { updateApplication(input: {id: $id, allowedGroups: $g}) {
          ${E} ... on ApplicationPayload { ${APP} } } }`,
        { id: app.id, g },
      )
    expect((await update([globalId('Group', ops.id)])).updateApplication.application).toMatchObject({
      allowedGroups: [{ name: 'ops' }],
      restrictedToGroups: true,
    })
    // Absent: unchanged.
    const renamed = await admin(
      `mutation($id: ID!) { updateApplication(input: {id: $id, name: "Team wiki"}) {
        ${E} ... on ApplicationPayload { ${APP} } } }`,
      { id: app.id },
    )
    expect(renamed.updateApplication.application.allowedGroups).toEqual([{ name: 'ops' }])
    expect((await update([])).updateApplication.application).toMatchObject({
      allowedGroups: [],
      restrictedToGroups: false,
    })
    const unknown = await update([globalId('Group', '019a0000-0000-7000-8000-000000000000')])
    expect(unknown.updateApplication).toMatchObject({ __typename: 'ValidationError', field: 'allowedGroups' })
  })

  test('an owner who is no administrator may not restrict their application (Forbidden, field named)', async () => {
    await using server = await startServer()
    const w = await seedAdminWorld(server.provider.services)
    const devs = await server.provider.services.groups.create({ name: 'devs' })
    const r = await ok(
      server,
      w.tokens.alice,
      `mutation($id: ID!, $g: [ID!]) { updateApplication(input: {id: $id, allowedGroups: $g}) { ${E} } }`,
      { id: globalId('Application', w.aliceApp.application.id), g: [globalId('Group', devs.id)] },
    )
    expect(r.updateApplication).toMatchObject({ __typename: 'ForbiddenError', field: 'allowedGroups' })
  })

  test('User.emailVerified: set by createUser and updateUser, cleared by a new address', async () => {
    await using server = await startServer()
    const w = await seedAdminWorld(server.provider.services)
    const admin = (q: string, v?: Record<string, unknown>) => ok(server, w.tokens.admin, q, v)
    const created = await admin(
      `mutation { createUser(input: {username: "carol", password: "long enough password",
        email: "carol@example.com", emailVerified: true}) { ${E} ... on UserPayload { user { emailVerified } } } }`,
    )
    expect(created.createUser).toMatchObject({ user: { emailVerified: true } })
    const update = (input: string) =>
      admin(
        `mutation($id: ID!) { updateUser(input: {id: $id, ${input}}) {
          ${E} ... on UserPayload { user { email emailVerified } } } }`,
        { id: globalId('User', w.alice.id) },
      )
    expect((await update('emailVerified: true')).updateUser.user).toEqual({
      email: 'alice@example.com',
      emailVerified: true,
    })
    expect((await update('email: "alice@new.example"')).updateUser.user.emailVerified).toBe(false)
    expect((await update('email: "alice@example.com", emailVerified: true')).updateUser.user.emailVerified).toBe(true)
    const none = await admin(
      `mutation { createUser(input: {username: "dan", password: "long enough password", emailVerified: true}) {
        ${E} } }`,
    )
    expect(none.createUser).toMatchObject({ field: 'emailVerified' })
  })
})
