/**
 * Issue 16: the number the forges' user APIs answer as `id` is shown wherever the user is: GraphQL's
 * User.number (and `latchkey user create|list --json`, test/cli/cli.test.ts), the same integer on
 * every surface.
 */
import { describe, expect, test } from 'bun:test'
import { ok, seedAdminWorld } from '../graphql/support.ts'
import { startServer } from '../helpers/server.ts'

describe('issue 16: User.number in GraphQL', () => {
  test('each user has its number; the forge APIs answer the same integer as id', async () => {
    await using server = await startServer()
    const world = await seedAdminWorld(server.provider.services)
    const data = await ok<{ users: { edges: Array<{ node: { username: string; number: number } }> } }>(
      server,
      world.tokens.admin,
      '{ users(first: 10) { edges { node { username number } } } }',
    )
    expect(data.users.edges.map(({ node }) => [node.username, node.number]).sort()).toEqual([
      ['alice', world.alice.number],
      ['bob', world.bob.number],
      ['root', world.root.number],
    ])
    expect(new Set([world.root.number, world.alice.number, world.bob.number]).size).toBe(3)
    const headers = { Authorization: `token ${world.tokens.alice}` }
    const gitea = (await (await fetch(`${server.url}/api/v1/user`, { headers })).json()) as { id: number }
    const gitlab = (await (
      await fetch(`${server.url}/api/v4/user`, { headers: { 'PRIVATE-TOKEN': world.tokens.alice } })
    ).json()) as { id: number }
    expect([gitea.id, gitlab.id]).toEqual([world.alice.number, world.alice.number])
  })
})
