/** Issue 4: every mutation and query, typed errors with the field at fault, secrets shown once, audit events. */
import { describe, expect, test } from 'bun:test'
import { startServer } from '../helpers/server.ts'
import { gql, globalId, ok, REDIRECT, seedAdminWorld } from './support.ts'

async function world() {
  const server = await startServer()
  return Object.assign(server, { w: await seedAdminWorld(server.provider.services) })
}
const E = '__typename ... on Error { message field }'

describe('issue 4: application mutations', () => {
  test('createApplication returns the secret once; no query shows it again (checklist M.70)', async () => {
    await using server = await world()
    const c = await ok(
      server,
      server.w.tokens.alice,
      `mutation { createApplication(input: {name: "CI", redirectUris: ["${REDIRECT}"], allowedScopes: ["openid",
        "read_user"]}) { ${E} ... on ApplicationWithSecret { clientSecret application { id clientId public
        owner { username } } } } }`,
    )
    const secret: string = c.createApplication.clientSecret
    expect(secret).toStartWith('lkcs_')
    expect(c.createApplication.application.owner.username).toBe('alice')
    expect(c.createApplication.application.public).toBe(false)
    const everything = await gql(
      server,
      server.w.tokens.admin,
      `{ applications(first: 50) { edges { node { id clientId name redirectUris allowedScopes } } }
        auditEvents(first: 50) { edges { node { type detail } } } }`,
    )
    expect(JSON.stringify(everything.body)).not.toContain(secret)
    const r = await ok(
      server,
      server.w.tokens.alice,
      `mutation { rotateApplicationSecret(input: {id: "${c.createApplication.application.id}"}) { ${E}
        ... on ApplicationWithSecret { clientSecret } } }`,
    )
    expect(r.rotateApplicationSecret.clientSecret).toStartWith('lkcs_')
    expect(r.rotateApplicationSecret.clientSecret).not.toBe(secret)
  })

  test(
    'checklist M.71: dangerous redirect URIs are a ValidationError naming the field, on create and update ' +
      '(rule shared with the CLI)',
    async () => {
      await using server = await world()
      const bad = [
        'javascript:alert(1)',
        'JaVaScRiPt:alert(1)',
        'data:text/html,x',
        'vbscript:x',
        'http://evil.example/cb',
        'https://a.example/cb#frag',
        'https://*.example/cb',
        '/cb',
        'https://a.example/' + 'x'.repeat(2100),
      ]
      const appId = globalId('Application', server.w.aliceApp.application.id)
      for (const uri of bad) {
        const c = await ok(
          server,
          server.w.tokens.alice,
          `mutation($u: String!) { createApplication(input: {name: "x", redirectUris: [$u]}) { ${E} } }`,
          { u: uri },
        )
        expect(c.createApplication).toMatchObject({ __typename: 'ValidationError', field: 'redirectUris.0' })
        const u = await ok(
          server,
          server.w.tokens.alice,
          `mutation($u: String!) { updateApplication(input: {id: "${appId}", redirectUris: [$u]}) { ${E} } }`,
          { u: uri },
        )
        expect(u.updateApplication).toMatchObject({ __typename: 'ValidationError', field: 'redirectUris.0' })
      }
    },
  )

  test('updateApplication changes only what is sent, checks scopes, and writes an audit event', async () => {
    await using server = await world()
    const id = globalId('Application', server.w.aliceApp.application.id)
    const u = await ok(
      server,
      server.w.tokens.alice,
      `mutation { updateApplication(input: {id: "${id}", name: "Renamed", accessTokenLifetime: 600}) { ${E}
        ... on ApplicationPayload { application { name accessTokenLifetime allowedScopes redirectUris } } } }`,
    )
    expect(u.updateApplication.application).toEqual({
      name: 'Renamed',
      accessTokenLifetime: 600,
      allowedScopes: ['openid', 'read_user'],
      redirectUris: [REDIRECT],
    })
    const bad = await ok(
      server,
      server.w.tokens.alice,
      `mutation { updateApplication(input: {id: "${id}", allowedScopes: ["nope"]}) { ${E} } }`,
    )
    expect(bad.updateApplication).toMatchObject({ __typename: 'ValidationError', field: 'allowedScopes' })
    const missing = await ok(
      server,
      server.w.tokens.admin,
      `mutation {
        updateApplication(input: {id: "${globalId('Application', '00000000-0000-7000-8000-000000000000')}",
        name: "x"}) { ${E} } }`,
    )
    expect(missing.updateApplication).toMatchObject({ __typename: 'NotFoundError', field: 'id' })
    const audit = await ok(
      server,
      server.w.tokens.admin,
      `{ auditEvents(type: "application.updated", first: 5) { edges { node { type actor { username } application {
        name } } } } }`,
    )
    expect(audit.auditEvents.edges[0].node).toEqual({
      type: 'application.updated',
      actor: { username: 'alice' },
      application: { name: 'Renamed' },
    })
  })
})

describe('issue 4: user, scope, token and key mutations', () => {
  test(
    'createUser, updateUser, resetUserPassword, disableUser; a taken username is a ' + 'ConflictError on username',
    async () => {
      await using server = await world()
      const a = server.w.tokens.admin
      const c = await ok(
        server,
        a,
        `mutation { createUser(input: {username: "carol", password: "long enough pw", email: "c@example.com"}) { ${E}
        ... on UserPayload { user { id username isAdmin } } } }`,
      )
      const id = c.createUser.user.id
      const dup = await ok(
        server,
        a,
        `mutation { createUser(input: {username: "carol", password: "long enough pw"}) { ${E} } }`,
      )
      expect(dup.createUser).toMatchObject({ __typename: 'ConflictError', field: 'username' })
      const short = await ok(
        server,
        a,
        `mutation { createUser(input: {username: "dave", password: "short"}) { ${E} } }`,
      )
      expect(short.createUser).toMatchObject({ __typename: 'ValidationError', field: 'password' })
      const u = await ok(
        server,
        a,
        `mutation { updateUser(input: {id: "${id}", name: "Carol", isAdmin: true}) { ${E} ... on UserPayload { user {
        name isAdmin } } } }`,
      )
      expect(u.updateUser.user).toEqual({ name: 'Carol', isAdmin: true })
      const p = await ok(
        server,
        a,
        `mutation { resetUserPassword(input: {id: "${id}"}) { ${E} ... on ResetUserPasswordPayload {
        generatedPassword } } }`,
      )
      expect(
        await server.provider.services.users.authenticate('carol', p.resetUserPassword.generatedPassword),
      ).toBeDefined()
      const d = await ok(
        server,
        a,
        `mutation { disableUser(input: {id: "${id}"}) { ${E} ... on UserPayload { user { disabled } } } }`,
      )
      expect(d.disableUser.user.disabled).toBe(true)
      const self = await ok(
        server,
        a,
        `mutation { disableUser(input: {id: "${globalId('User', server.w.root.id)}"}) { ${E} } }`,
      )
      expect(self.disableUser.__typename).toBe('ConflictError')
    },
  )

  test('createScope, updateScope, deleteScope with implies/impliedBy; built-ins cannot be deleted', async () => {
    await using server = await world()
    const a = server.w.tokens.admin
    await ok(server, a, 'mutation { createScope(input: {name: "read:org", description: "Read orgs"}) { __typename } }')
    await ok(
      server,
      a,
      'mutation { createScope(input: {name: "write:org", description: "Write orgs", implies: ["read:org"]}) { ' +
        '__typename } }',
    )
    const q = await ok(
      server,
      a,
      '{ scope(name: "read:org") { name impliedBy { name } } admin: scope(name: "admin") { implies { name } ' +
        'builtIn } scopes { name } }',
    )
    expect(q.scope.impliedBy).toEqual([{ name: 'write:org' }])
    expect(q.admin).toEqual({ implies: [{ name: 'admin:read' }], builtIn: true })
    const cycle = await ok(
      server,
      a,
      `mutation { updateScope(input: {name: "read:org", implies: ["write:org"]}) { ${E} } }`,
    )
    expect(cycle.updateScope).toMatchObject({ __typename: 'ValidationError', field: 'implies' })
    const u = await ok(
      server,
      a,
      `mutation { updateScope(input: {name: "write:org", description: "Manage orgs"}) { ${E} ... on ScopePayload {
        scope { description implies { name } } } } }`,
    )
    expect(u.updateScope.scope).toEqual({ description: 'Manage orgs', implies: [{ name: 'read:org' }] })
    const used = await ok(server, a, `mutation { deleteScope(input: {name: "read:org"}) { ${E} } }`)
    expect(used.deleteScope.__typename).toBe('ConflictError')
    const builtIn = await ok(server, a, `mutation { deleteScope(input: {name: "openid"}) { ${E} } }`)
    expect(builtIn.deleteScope).toMatchObject({ __typename: 'ValidationError', field: 'name' })
    const del = await ok(
      server,
      a,
      `mutation { deleteScope(input: {name: "write:org"}) { ${E} ... on DeleteScopePayload { name } } }`,
    )
    expect(del.deleteScope.name).toBe('write:org')
  })

  test(
    'createPersonalAccessToken returns the value once, it works as a bearer token, and it is never wider than ' +
      'the caller',
    async () => {
      await using server = await world()
      const c = await ok(
        server,
        server.w.tokens.alice,
        `mutation { createPersonalAccessToken(input: {scopes: ["read_user"], expiresIn: 3600}) { ${E}
          ... on CreatePersonalAccessTokenPayload { value token { id kind prefix lastCharacters scopes expiresAt }
          } } }`,
      )
      const { value, token } = c.createPersonalAccessToken
      expect(token).toMatchObject({
        kind: 'PERSONAL',
        prefix: 'lkpat_',
        lastCharacters: value.slice(-4),
        scopes: ['read_user'],
      })
      expect((await ok(server, value, '{ viewer { user { username } } }')).viewer.user.username).toBe('alice')
      const list = await gql(
        server,
        server.w.tokens.admin,
        '{ tokens(first: 100) { edges { node { id lastCharacters } } } }',
      )
      expect(JSON.stringify(list.body)).not.toContain(value)
      const wider = await ok(
        server,
        server.w.tokens.alice,
        `mutation { createPersonalAccessToken(input: {scopes: ["admin"]}) { ${E} } }`,
      )
      expect(wider.createPersonalAccessToken).toMatchObject({ __typename: 'ForbiddenError', field: 'scopes' })
    },
  )

  test(
    'rotateSigningKey: a new active key, the old one retired but still in the JWKS until its ' + 'tokens expire',
    async () => {
      await using server = await world()
      const before = (await (await fetch(`${server.url}/oauth/discovery/keys`)).json()) as {
        keys: Array<{ kid: string }>
      }
      const r = await ok(
        server,
        server.w.tokens.admin,
        `mutation { rotateSigningKey(input: {algorithm: "RS256"}) { ${E} ... on RotateSigningKeyPayload { keys { kid
        status algorithm publishUntil publicJwk } } } }`,
      )
      const [fresh, old] = r.rotateSigningKey.keys
      expect(fresh.status).toBe('active')
      expect(old.status).toBe('retired')
      expect(old.publishUntil).not.toBeNull()
      expect(JSON.stringify(r)).not.toMatch(/"d":/)
      const after = (await (await fetch(`${server.url}/oauth/discovery/keys`)).json()) as {
        keys: Array<{ kid: string }>
      }
      const kids = after.keys.map((k) => k.kid)
      expect(kids).toContain(fresh.kid)
      expect(kids).toContain(old.kid)
      expect(before.keys.map((k) => k.kid)).toContain(old.kid)
      const bad = await ok(
        server,
        server.w.tokens.admin,
        `mutation { rotateSigningKey(input: {algorithm: "HS256"}) { ${E} } }`,
      )
      expect(bad.rotateSigningKey).toMatchObject({ __typename: 'ValidationError', field: 'algorithm' })
    },
  )
})

describe('issue 4: queries, filters and pagination', () => {
  test(
    'cursor pagination walks every application once; filters by state, kind and scope; ' + 'node/nodes round-trip',
    async () => {
      await using server = await world()
      const s = server.provider.services
      for (let i = 0; i < 5; i++)
        await s.applications.create({ name: `p${i}`, redirectUris: [REDIRECT], ownerId: server.w.bob.id })
      const seen: string[] = []
      let after: string | null = null
      for (;;) {
        const page: any = await ok(
          server,
          server.w.tokens.admin,
          'query($a: String) { applications(first: 3, after: $a) { edges { node { name } } pageInfo { hasNextPage ' +
            'endCursor } } }',
          { a: after },
        )
        seen.push(...page.applications.edges.map((e: any) => e.node.name))
        if (!page.applications.pageInfo.hasNextPage) break
        after = page.applications.pageInfo.endCursor
      }
      expect(seen.sort()).toEqual(['Alice app', 'Bob app', 'p0', 'p1', 'p2', 'p3', 'p4'])
      const search = await ok(
        server,
        server.w.tokens.admin,
        '{ applications(search: "ALICE", first: 10) { edges { node { name } } } }',
      )
      expect(search.applications.edges).toEqual([{ node: { name: 'Alice app' } }])
      const t = await s.tokens.issue({
        application: server.w.aliceApp.application,
        userId: server.w.alice.id,
        scopes: ['openid'],
        withRefresh: true,
        authTime: null,
      })
      const f = await ok(
        server,
        server.w.tokens.admin,
        `{
      refresh: tokens(kind: REFRESH, first: 10) {
        edges { node { kind prefix application { name } user { username } } }
      }
      openid: tokens(scope: "openid", kind: ACCESS, state: ACTIVE, first: 10) { edges { node { lastCharacters } } }
      inactive: tokens(state: INACTIVE, first: 10) { edges { node { id } } }
      app: application(clientId: "${server.w.aliceApp.application.clientId}") {
        id activeTokenCount tokens(first: 10) { edges { node { kind } } }
      }
    }`,
      )
      expect(f.refresh.edges).toEqual([
        { node: { kind: 'REFRESH', prefix: 'lkrt_', application: { name: 'Alice app' }, user: { username: 'alice' } } },
      ])
      expect(f.openid.edges.map((e: any) => e.node.lastCharacters)).toEqual([t.accessToken.slice(-4)])
      expect(f.inactive.edges).toEqual([])
      expect(f.app.activeTokenCount).toBe(2)
      const n = await ok(
        server,
        server.w.tokens.admin,
        `{ nodes(ids: ["${f.app.id}", "${globalId('User', server.w.alice.id)}", "${globalId('Scope', 'openid')}"]) {
        id __typename } }`,
      )
      expect(n.nodes.map((x: any) => x.__typename)).toEqual(['Application', 'User', 'Scope'])
      const u = await ok(
        server,
        server.w.tokens.admin,
        `{ user(username: "alice") { email applications(first: 5) { edges { node { name } } } tokens(first: 10) {
        edges { node { kind } } } grants(first: 5) { edges { node { id } } } } users(disabled: true, first: 5) {
        edges { node { id } } } }`,
      )
      expect(u.user.applications.edges).toEqual([{ node: { name: 'Alice app' } }])
      expect(u.users.edges).toEqual([])
    },
  )
})
