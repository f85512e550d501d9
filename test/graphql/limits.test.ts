/** OWASP GraphQL Cheat Sheet (DoS, batching) and checklist M.72: abusive queries are refused before execution. */
import { describe, expect, test } from 'bun:test'
import { startServer } from '../helpers/server.ts'
import { gql, seedAdminWorld } from './support.ts'

async function world(config?: Record<string, unknown>) {
  const server = await startServer({ config })
  return Object.assign(server, { w: await seedAdminWorld(server.provider.services) })
}

/** application { grants { user { applications { … } } } }, nested to `levels` connections. */
function deepQuery(levels: number): string {
  let inner = 'name'
  for (let i = 0; i < levels; i++)
    inner = `applications(first: 1) { edges { node { owner { ${inner.startsWith('name') ? 'username' : inner} } } } }`
  return `{ viewer { user { ${inner} } } }`
}

describe('OWASP GraphQL / checklist M.72: limits', () => {
  test('depth limit: a query 15 levels deep is rejected before execution', async () => {
    await using server = await world()
    const r = await gql(server, server.w.tokens.admin, deepQuery(4)) // 2 + 4×5 + 1 levels
    expect(r.body.data).toBeUndefined()
    expect(JSON.stringify(r.body.errors)).toMatch(/depth/i)
    const fine = await gql(server, server.w.tokens.admin, deepQuery(1))
    expect(fine.body.errors).toBeUndefined()
  })

  test('alias limit: 1,000 aliases of one field are rejected', async () => {
    await using server = await world()
    const aliases = Array.from({ length: 1000 }, (_, i) => `a${i}: viewer { canWrite }`).join(' ')
    const r = await gql(server, server.w.tokens.admin, `{ ${aliases} }`)
    expect(r.body.data).toBeUndefined()
    expect(JSON.stringify(r.body.errors)).toMatch(/alias|token/i)
  })

  test(
    'alias-batched mutations (e.g. guessing through 100 createPersonalAccessToken calls) are ' + 'refused whole',
    async () => {
      await using server = await world()
      const aliases = Array.from(
        { length: 100 },
        (_, i) => `m${i}: createPersonalAccessToken(input: {scopes: ["api"]}) { __typename }`,
      ).join(' ')
      const r = await gql(server, server.w.tokens.alice, `mutation { ${aliases} }`)
      expect(r.body.data).toBeUndefined()
      const tokens = await gql(
        server,
        server.w.tokens.admin,
        '{ tokens(kind: PERSONAL, first: 100) { edges { cursor } } }',
      )
      expect(tokens.body.data.tokens.edges).toHaveLength(8) // the seeded ones only
    },
  )

  test('batching: a JSON array of 100 operations is refused', async () => {
    await using server = await world()
    const body = JSON.stringify(Array.from({ length: 100 }, () => ({ query: '{ viewer { canWrite } }' })))
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${server.w.tokens.admin}`, 'Content-Type': 'application/json' },
      body,
    })
    expect(res.status).toBeGreaterThanOrEqual(400)
    expect(res.status).toBeLessThan(500)
    expect(await res.text()).not.toContain('canWrite')
  })

  test('page size: first: 1000000 is rejected, as a literal or a variable; first: 100 is the maximum', async () => {
    await using server = await world()
    const literal = await gql(server, server.w.tokens.admin, '{ applications(first: 1000000) { edges { cursor } } }')
    expect(literal.body.data).toBeUndefined()
    expect(literal.body.errors?.length).toBeGreaterThan(0)
    const variable = await gql(
      server,
      server.w.tokens.admin,
      'query($n: Int) { users(first: $n) { edges { cursor } } }',
      { n: 1_000_000 },
    )
    expect(variable.body.data).toBeUndefined()
    expect(JSON.stringify(variable.body.errors)).toContain('first must be between 0 and 100')
    const max = await gql(server, server.w.tokens.admin, 'query($n: Int) { users(first: $n) { edges { cursor } } }', {
      n: 100,
    })
    expect(max.body.errors).toBeUndefined()
  })

  test(
    'introspection can be switched off by the operator, and then "Did you mean" suggestions ' + 'are off too',
    async () => {
      await using server = await world({ 'graphql-introspection': 'false' })
      const r = await gql(server, server.w.tokens.admin, '{ __schema { types { name } } }')
      expect(r.body.data).toBeUndefined()
      expect(JSON.stringify(r.body.errors)).toMatch(/introspection/i)
      const typo = await gql(server, server.w.tokens.admin, '{ applicatio { edges { cursor } } }')
      expect(JSON.stringify(typo.body)).not.toContain('Did you mean')
      await using open = await world()
      expect(
        (await gql(open, open.w.tokens.admin, '{ __schema { queryType { name } } }')).body.data.__schema.queryType.name,
      ).toBe('Query')
    },
  )

  test('GraphiQL is off by default: a browser GET without a token gets 401', async () => {
    await using server = await world()
    const res = await fetch(`${server.url}/graphql`, { headers: { Accept: 'text/html' } })
    expect(res.status).toBe(401)
  })

  test('unexpected errors are masked: no stack trace or SQL in the response', async () => {
    await using server = await world()
    const r = await gql(
      server,
      server.w.tokens.admin,
      '{ applications(first: 5, after: "not-a-cursor") { edges { cursor } } }',
    )
    const text = JSON.stringify(r.body)
    expect(text).not.toMatch(/at .*\.ts|select |sqlite|stack/i)
    expect(r.status).toBe(200)
  })

  test(
    "issue 14 §6: a bad argument to a query is the caller's error, named with BAD_USER_INPUT, not an " +
      '"Unexpected error." logged as a defect',
    async () => {
      await using server = await world()
      const r = await gql(
        server,
        server.w.tokens.admin,
        '{ applications(first: 5, after: "not-a-cursor") { edges { cursor } } }',
      )
      expect(r.body.errors).toEqual([
        expect.objectContaining({
          message: 'after is not a cursor from this API',
          extensions: { code: 'BAD_USER_INPUT', field: 'after' },
        }),
      ])
      expect(server.logs.filter((l) => l.includes('unhandled error'))).toEqual([])
    },
  )
})
