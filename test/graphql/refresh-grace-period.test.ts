/**
 * Issue 16: Application.refreshGracePeriod, set by createApplication and updateApplication; values
 * outside 0…300 are a ValidationError naming the field, and change nothing.
 */
import { describe, expect, test } from 'bun:test'
import { startServer } from '../helpers/server.ts'
import { ok, REDIRECT, seedAdminWorld } from './support.ts'

const E = '__typename ... on Error { message field }'

describe('issue 16: refreshGracePeriod through GraphQL', () => {
  test('created with 0 by default or the value given; updated; read back', async () => {
    await using server = await startServer()
    const w = await seedAdminWorld(server.provider.services)
    const create = (extra: string) =>
      ok(
        server,
        w.tokens.alice,
        `mutation { createApplication(input: {name: "GCM", redirectUris: ["${REDIRECT}"]${extra}}) { ${E}
          ... on ApplicationWithSecret { application { id refreshGracePeriod } } } }`,
      )
    expect((await create('')).createApplication.application.refreshGracePeriod).toBe(0)
    const app = (await create(', refreshGracePeriod: 30')).createApplication.application
    expect(app.refreshGracePeriod).toBe(30)
    const u = await ok(
      server,
      w.tokens.alice,
      `mutation { updateApplication(input: {id: "${app.id}", refreshGracePeriod: 120}) { ${E}
        ... on ApplicationPayload { application { refreshGracePeriod } } } }`,
    )
    expect(u.updateApplication.application.refreshGracePeriod).toBe(120)
    const read = await ok(
      server,
      w.tokens.admin,
      `query($id: ID!) { node(id: $id) { ... on Application { refreshGracePeriod } } }`,
      { id: app.id },
    )
    expect(read.node.refreshGracePeriod).toBe(120)
  })

  test('out of range on create or update: a ValidationError naming refreshGracePeriod', async () => {
    await using server = await startServer()
    const w = await seedAdminWorld(server.provider.services)
    for (const bad of [301, -1, 86400]) {
      const c = await ok(
        server,
        w.tokens.admin,
        `mutation { createApplication(input: {name: "X", redirectUris: ["${REDIRECT}"], refreshGracePeriod: ${bad}})
          { ${E} } }`,
      )
      expect(c.createApplication).toMatchObject({ __typename: 'ValidationError', field: 'refreshGracePeriod' })
      expect(c.createApplication.message).toStartWith('refreshGracePeriod: ')
    }
    const app = (
      await ok(
        server,
        w.tokens.admin,
        `mutation { createApplication(input: {name: "Y", redirectUris: ["${REDIRECT}"], refreshGracePeriod: 5}) {
          ... on ApplicationWithSecret { application { id } } } }`,
      )
    ).createApplication.application
    const u = await ok(
      server,
      w.tokens.admin,
      `mutation { updateApplication(input: {id: "${app.id}", refreshGracePeriod: 301}) { ${E} } }`,
    )
    expect(u.updateApplication).toMatchObject({ __typename: 'ValidationError', field: 'refreshGracePeriod' })
    expect(u.updateApplication.message).toContain('300')
    const read = await ok(
      server,
      w.tokens.admin,
      `query($id: ID!) { node(id: $id) { ... on Application { refreshGracePeriod } } }`,
      { id: app.id },
    )
    expect(read.node.refreshGracePeriod).toBe(5)
  })
})
