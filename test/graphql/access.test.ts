/**
 * Issue 4 "Access" and checklist M.68/M.69: who may read and change what, over real HTTP.
 */
import { describe, expect, test } from 'bun:test'
import { startServer } from '../helpers/server.ts'
import { gql, globalId, ok, seedAdminWorld } from './support.ts'

const APPS = '{ applications(first: 50) { edges { node { name } } } }'
const names = (d: any) => d.applications.edges.map((e: any) => e.node.name).sort()

async function world() {
  const server = await startServer()
  const w = await seedAdminWorld(server.provider.services)
  const s = server.provider.services
  await s.grants.approve(w.alice.id, w.aliceApp.application.id, ['openid'], null)
  await s.grants.approve(w.alice.id, w.bobApp.application.id, ['openid'], null)
  await s.tokens.issue({
    application: w.aliceApp.application,
    userId: w.alice.id,
    scopes: ['openid'],
    withRefresh: true,
    authTime: null,
  })
  return Object.assign(server, { w })
}

describe('issue 4 / checklist M.68: unauthenticated callers', () => {
  test('a query without a token gets 401 with WWW-Authenticate and no data', async () => {
    await using server = await world()
    const r = await gql(server, null, APPS)
    expect(r.status).toBe(401)
    expect(r.headers.get('www-authenticate')).toBe('Bearer realm="latchkey"')
    expect(r.body.data).toBeNull()
    expect(r.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
  })

  test(
    'introspection and "Did you mean" suggestions never reach them (401 before the schema is ' + 'consulted)',
    async () => {
      await using server = await world()
      for (const q of [
        '{ __schema { types { name } } }',
        '{ applicatio { edges { cursor } } }',
        'mutation { createUser(input: {username: "x", password: "12345678"}) { __typename } }',
      ]) {
        const r = await gql(server, null, q)
        expect(r.status).toBe(401)
        expect(JSON.stringify(r.body)).not.toContain('Did you mean')
      }
    },
  )

  test(
    'an unknown or revoked token gets 401 invalid_token; a token without read_user/api/admin scopes gets 403 ' +
      'insufficient_scope',
    async () => {
      await using server = await world()
      const bad = await gql(server, 'lkpat_not-a-real-token', APPS)
      expect(bad.status).toBe(401)
      expect(bad.headers.get('www-authenticate')).toContain('error="invalid_token"')
      const weak = await gql(server, server.w.tokens.openidOnly, APPS)
      expect(weak.status).toBe(403)
      expect(weak.headers.get('www-authenticate')).toContain('error="insufficient_scope"')
    },
  )
})

describe('issue 4: the three access levels', () => {
  test('admin may read everything and change anything', async () => {
    await using server = await world()
    const d = await ok(
      server,
      server.w.tokens.admin,
      `{ viewer { accessLevel canWrite } ${APPS.slice(1, -1)} users(first: 10) { edges { node { username } } }
        signingKeys { kid } }`,
    )
    expect(d.viewer).toEqual({ accessLevel: 'ADMIN', canWrite: true })
    expect(names(d)).toEqual(['Alice app', 'Bob app'])
    expect(d.users.edges.map((e: any) => e.node.username).sort()).toEqual(['alice', 'bob', 'root'])
    expect(d.signingKeys.length).toBeGreaterThan(0)
    const m = await ok(
      server,
      server.w.tokens.admin,
      'mutation { createScope(input: {name: "read:org", description: "Read orgs"}) { __typename } }',
    )
    expect(m.createScope.__typename).toBe('ScopePayload')
  })

  test('admin:read may read everything and change nothing', async () => {
    await using server = await world()
    const { w } = server
    const d = await ok(
      server,
      w.tokens.adminRead,
      `{ viewer { accessLevel canWrite } ${APPS.slice(1, -1)} users(first: 10) { edges { node { username } } }
        signingKeys { kid } tokens(first: 50) { edges { node { id } } } }`,
    )
    expect(d.viewer).toEqual({ accessLevel: 'READ', canWrite: false })
    expect(names(d)).toEqual(['Alice app', 'Bob app'])
    expect(d.users.edges).toHaveLength(3)
    expect(d.signingKeys.length).toBeGreaterThan(0)
    const appId = globalId('Application', w.aliceApp.application.id)
    const mutations = [
      `createApplication(input: {name: "x", redirectUris: ["https://x.example/cb"]})`,
      `updateApplication(input: {id: "${appId}", name: "renamed"})`,
      `deleteApplication(input: {id: "${appId}"})`,
      `rotateApplicationSecret(input: {id: "${appId}"})`,
      `createScope(input: {name: "x", description: "y"})`,
      `rotateSigningKey(input: {algorithm: "RS256"})`,
      `createPersonalAccessToken(input: {scopes: ["admin:read"]})`,
      `revokeToken(input: {id: "${d.tokens.edges[0].node.id}"})`,
    ]
    for (const m of mutations) {
      const r = await ok(server, w.tokens.adminRead, `mutation { r: ${m} { __typename ... on Error { message } } }`)
      expect(r.r.__typename).toBe('ForbiddenError')
    }
    const still = await ok(server, w.tokens.admin, `{ node(id: "${appId}") { ... on Application { name } } }`)
    expect(still.node.name).toBe('Alice app')
  })

  test(
    'checklist M.69: bob (viewer) sees only his own applications, grants and tokens, through lists, filters, ' +
      'node and nodes',
    async () => {
      await using server = await world()
      const { w } = server
      const aliceAppId = globalId('Application', w.aliceApp.application.id)
      const bobAppId = globalId('Application', w.bobApp.application.id)
      const aliceId = globalId('User', w.alice.id)
      const d = await ok(
        server,
        w.tokens.bob,
        `{
      viewer { accessLevel user { username } }
      ${APPS.slice(1, -1)}
      users(first: 10) { edges { node { username } } }
      filtered: applications(owner: "${aliceId}", first: 10) { edges { node { name } } }
      byClientId: application(clientId: "${w.aliceApp.application.clientId}") { name }
      alice: user(username: "alice") { username }
      aliceTokens: tokens(user: "${aliceId}", first: 50) { edges { node { id user { username } } } }
      grants(first: 50) { edges { node { user { username } application { name } } } }
      node(id: "${aliceAppId}") { id }
      aliceNode: node(id: "${aliceId}") { id }
      nodes(ids: ["${aliceAppId}", "${bobAppId}"]) { ... on Application { name } }
      signingKeys { kid }
      auditEvents(first: 50) { edges { node { type user { username } } } }
    }`,
      )
      expect(d.viewer).toEqual({ accessLevel: 'VIEWER', user: { username: 'bob' } })
      expect(names(d)).toEqual(['Bob app'])
      expect(d.users.edges.map((e: any) => e.node.username)).toEqual(['bob'])
      expect(d.filtered.edges).toEqual([])
      expect(d.byClientId).toBeNull()
      expect(d.alice).toBeNull()
      expect(d.aliceTokens.edges).toEqual([])
      // alice's grant to bob's application is visible to bob (he owns the app); her grant to her own app is not
      expect(d.grants.edges).toHaveLength(1)
      expect(d.grants.edges[0].node).toEqual({ user: null, application: { name: 'Bob app' } })
      expect(d.node).toBeNull()
      expect(d.aliceNode).toBeNull()
      expect(d.nodes).toEqual([null, { name: 'Bob app' }])
      expect(d.signingKeys).toEqual([])
      for (const e of d.auditEvents.edges) expect(e.node.user?.username ?? 'bob').toBe('bob')
    },
  )

  test(
    "checklist M.69: bob cannot change alice's objects; the answer is NotFoundError, as for an " + 'unknown id',
    async () => {
      await using server = await world()
      const { w } = server
      const admin = await ok(
        server,
        w.tokens.admin,
        `{ tokens(user: "${globalId('User', w.alice.id)}", first: 50) { edges { node { id } } }
        grants(user: "${globalId('User', w.alice.id)}",
        application: "${globalId('Application', w.aliceApp.application.id)}", first: 5) { edges { node { id } } } }`,
      )
      const tokenId = admin.tokens.edges[0].node.id
      const grantId = admin.grants.edges[0].node.id
      const appId = globalId('Application', w.aliceApp.application.id)
      const attempts: Array<[string, string]> = [
        [`updateApplication(input: {id: "${appId}", name: "pwned"})`, 'NotFoundError'],
        [`deleteApplication(input: {id: "${appId}"})`, 'NotFoundError'],
        [`rotateApplicationSecret(input: {id: "${appId}"})`, 'NotFoundError'],
        [`revokeApplicationTokens(input: {id: "${appId}"})`, 'NotFoundError'],
        [`revokeToken(input: {id: "${tokenId}"})`, 'NotFoundError'],
        [`revokeGrant(input: {id: "${grantId}"})`, 'NotFoundError'],
        [`revokeUserTokens(input: {id: "${globalId('User', w.alice.id)}"})`, 'ForbiddenError'],
        [`disableUser(input: {id: "${globalId('User', w.alice.id)}"})`, 'ForbiddenError'],
        [`createUser(input: {username: "mallory", password: "12345678"})`, 'ForbiddenError'],
        [
          `createApplication(input: {name: "x", redirectUris: ["https://x.example/cb"], ` +
            `owner: "${globalId('User', w.alice.id)}"})`,
          'ForbiddenError',
        ],
        [
          `createApplication(input: {name: "x", redirectUris: ["https://x.example/cb"], trusted: true})`,
          'ForbiddenError',
        ],
      ]
      for (const [m, expected] of attempts) {
        const r = await ok(server, w.tokens.bob, `mutation { r: ${m} { __typename ... on Error { message field } } }`)
        expect(`${m} → ${r.r.__typename}`).toBe(`${m} → ${expected}`)
      }
      const after = await ok(
        server,
        w.tokens.admin,
        `{ node(id: "${appId}") { ... on Application { name activeTokenCount activeGrantCount } } }`,
      )
      expect(after.node).toEqual({ name: 'Alice app', activeTokenCount: 2, activeGrantCount: 1 })
    },
  )

  test(
    'checklist M.69: a read_user token can query but every mutation is FORBIDDEN, even on its ' + 'own objects',
    async () => {
      await using server = await world()
      const { w } = server
      const d = await ok(server, w.tokens.aliceReadUser, `{ viewer { accessLevel canWrite } ${APPS.slice(1, -1)} }`)
      expect(d.viewer).toEqual({ accessLevel: 'VIEWER', canWrite: false })
      expect(names(d)).toEqual(['Alice app'])
      const appId = globalId('Application', w.aliceApp.application.id)
      for (const m of [
        `updateApplication(input: {id: "${appId}", name: "x"})`,
        `deleteApplication(input: {id: "${appId}"})`,
        `createPersonalAccessToken(input: {scopes: ["read_user"]})`,
        `revokeUserTokens(input: {id: "${globalId('User', w.alice.id)}"})`,
      ]) {
        const r = await ok(server, w.tokens.aliceReadUser, `mutation { r: ${m} { __typename } }`)
        expect(r.r.__typename).toBe('ForbiddenError')
      }
    },
  )

  test('checklist M.69: the same works with Basic token:x-oauth-basic', async () => {
    await using server = await world()
    const basic = 'Basic ' + Buffer.from(`${server.w.tokens.aliceReadUser}:x-oauth-basic`).toString('base64')
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { Authorization: basic, 'Content-Type': 'application/json' },
      body: JSON.stringify({ query: 'mutation { createScope(input: {name: "a", description: "b"}) { __typename } } ' }),
    })
    expect(((await res.json()) as any).data.createScope.__typename).toBe('ForbiddenError')
  })

  test(
    'the admin scope makes an administrator only for users who are administrators, and only when the token ' +
      'carries it',
    async () => {
      await using server = await world()
      const bob = await ok(
        server,
        server.w.tokens.bobAdminScope,
        '{ viewer { accessLevel } applications(first: 10) { edges { node { name } } } }',
      )
      expect(bob.viewer.accessLevel).toBe('VIEWER')
      expect(names(bob)).toEqual(['Bob app'])
      const root = await ok(
        server,
        server.w.tokens.rootViewer,
        '{ viewer { accessLevel } applications(first: 10) { edges { node { name } } } }',
      )
      expect(root.viewer.accessLevel).toBe('VIEWER')
      expect(names(root)).toEqual([])
    },
  )
})
