/**
 * Security cases M (docs/security.md): the GraphQL admin API (cases 68–74), one focused test per case
 * over real HTTP, with OAuth tokens minted by the real code flow. test/graphql/ covers the same ground in more breadth.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { gql, globalId, ok } from '../graphql/support.ts'
import { Browser } from '../helpers/browser.ts'
import { PASSWORD, type Client } from '../helpers/fixtures.ts'
import { postForm } from '../helpers/oauth.ts'
import {
  DIALECTS,
  introspect,
  location,
  rawAuthorize,
  refresh,
  setup,
  tokenInfo,
  tokensFor,
  userinfo,
  type Env,
} from '../helpers/flows.ts'

const E = '__typename ... on Error { message field }'
const APPS = '{ applications(first: 100) { edges { node { id name clientId } } } }'

let env: Env
/** Personal access tokens: root with `admin`, alice and bob with `api`. */
let admin: string
let alice: string
let bob: string
let aliceApp: { id: string; clientId: string; secret: string }

async function createApp(token: string, name: string, redirect: string, scopes = ['openid', 'read_user']) {
  const d = await ok(
    server(),
    token,
    `mutation($n: String!, $r: String!, $s: [String!]) { createApplication(input: {name: $n, redirectUris: [$r],
      allowedScopes: $s}) { ${E} ... on ApplicationWithSecret { clientSecret application { id clientId } } } }`,
    { n: name, r: redirect, s: scopes },
  )
  const c = d.createApplication
  if (c.__typename !== 'ApplicationWithSecret') throw new Error(JSON.stringify(c))
  return {
    id: c.application.id as string,
    clientId: c.application.clientId as string,
    secret: c.clientSecret as string,
  }
}

const server = () => env.server
const client = (app: { clientId: string; secret: string }, redirectUri: string): Client => ({
  clientId: app.clientId,
  secret: app.secret,
  redirectUri,
})

beforeAll(async () => {
  env = await setup()
  const s = env.server.provider.services
  const root = await s.users.create({ username: 'root', password: PASSWORD, isAdmin: true })
  admin = (await s.tokens.issuePersonal(root.id, ['admin'], null)).token
  alice = (await s.tokens.issuePersonal(env.f.alice.id, ['api'], null)).token
  bob = (await s.tokens.issuePersonal(env.f.bob.id, ['api'], null)).token
  aliceApp = await createApp(alice, 'Alice app', 'https://alice.example/cb')
  await createApp(bob, 'Bob app', 'https://bob.example/cb') // bob owns an application too
})
afterAll(async () => {
  await env.server[Symbol.asyncDispose]()
})

describe('M.68 unauthenticated callers', () => {
  test(
    'OWASP GraphQL Cheat Sheet: a query or mutation without a token → 401 UNAUTHENTICATED with data null; ' +
      'nothing is changed',
    async () => {
      for (const q of [
        APPS,
        'mutation { createApplication(input: {name: "x", redirectUris: ["https://x.example/cb"]}) { __typename } }',
      ]) {
        const r = await gql(server(), null, q)
        expect(r.status).toBe(401)
        expect(r.body.data).toBeNull()
        expect(r.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
      }
      const get = await fetch(`${server().url}/graphql?query=${encodeURIComponent(APPS)}`)
      expect(get.status).toBe(401)
      const all = await ok(server(), admin, APPS)
      expect(all.applications.edges.map((e: any) => e.node.name)).not.toContain('x')
    },
  )

  test(
    'OWASP GraphQL Cheat Sheet: __schema introspection and "Did you mean…" suggestions are off for ' +
      'unauthenticated callers',
    async () => {
      for (const q of [
        '{ __schema { types { name } } }',
        '{ __type(name: "Application") { fields { name } } }',
        '{ applicatons { edges { cursor } } }',
        '{ viewer { usr { id } } }',
      ]) {
        const r = await gql(server(), null, q)
        expect(r.status).toBe(401)
        const text = JSON.stringify(r.body)
        expect(text).not.toContain('Did you mean')
        expect(text).not.toContain('__Schema')
        expect(text).not.toContain('clientId')
        expect(r.body.data).toBeNull()
      }
    },
  )
})

describe('M.69 what a viewer and a read-only token may reach', () => {
  test(
    "Keycloak CVE-2024-3656: bob sees only his own applications; node(id:) of alice's application → null; her " +
      'tokens are not listed',
    async () => {
      const d = await ok(
        server(),
        bob,
        `{
      ${APPS.slice(1, -1)}
      node(id: "${aliceApp.id}") { id }
      byClientId: application(clientId: "${aliceApp.clientId}") { name }
      tokens(first: 100) { edges { node { user { username } } } }
    }`,
      )
      expect(d.applications.edges.map((e: any) => e.node.name)).toEqual(['Bob app'])
      expect(d.node).toBeNull()
      expect(d.byClientId).toBeNull()
      for (const e of d.tokens.edges) expect(e.node.user?.username ?? 'bob').toBe('bob')
      const m = await ok(
        server(),
        bob,
        `mutation { r: updateApplication(input: {id: "${aliceApp.id}", name: "pwned"}) { ${E} } }`,
      )
      expect(['NotFoundError', 'ForbiddenError']).toContain(m.r.__typename)
    },
  )

  test(
    'Gitea GHSA-9r5x-wg6m-x2rc: an OAuth access token holding only read_user (Bearer, or Basic ' +
      'token:x-oauth-basic) can query, but every mutation → FORBIDDEN',
    async () => {
      const { access_token } = await tokensFor(env, env.f.C1, { scope: 'read_user' })
      expect((await introspect(env, access_token)).scope).toBe('read_user')
      const basic = 'Basic ' + Buffer.from(`${access_token}:x-oauth-basic`).toString('base64')
      const call = (authorization: string, query: string) =>
        fetch(`${server().url}/graphql`, {
          method: 'POST',
          headers: { Authorization: authorization, 'Content-Type': 'application/json' },
          body: JSON.stringify({ query }),
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }))
      const mutations = [
        'createApplication(input: {name: "x", redirectUris: ["https://x.example/cb"]})',
        `updateApplication(input: {id: "${aliceApp.id}", name: "x"})`,
        `rotateApplicationSecret(input: {id: "${aliceApp.id}"})`,
        `deleteApplication(input: {id: "${aliceApp.id}"})`,
        'createPersonalAccessToken(input: {scopes: ["read_user"]})',
        `revokeUserTokens(input: {id: "${globalId('User', env.f.alice.id)}"})`,
      ]
      for (const authorization of [`Bearer ${access_token}`, basic]) {
        const q = await call(authorization, '{ viewer { accessLevel canWrite user { username } } }')
        expect(q.status).toBe(200)
        expect(q.body.data.viewer).toEqual({ accessLevel: 'VIEWER', canWrite: false, user: { username: 'alice' } })
        for (const m of mutations) {
          const r = await call(authorization, `mutation { r: ${m} { __typename } }`)
          const code = r.body.data?.r?.__typename ?? r.body.errors?.[0]?.extensions?.code
          expect(`${m} → ${code}`).toMatch(/→ (ForbiddenError|FORBIDDEN)$/)
        }
      }
      const still = await ok(server(), admin, `{ node(id: "${aliceApp.id}") { ... on Application { name } } }`)
      expect(still.node.name).toBe('Alice app')
    },
  )
})

describe('M.70 secrets are shown once', () => {
  test(
    'doorkeeper CVE-2020-10187; Hydra security design: createApplication and rotateApplicationSecret return ' +
      'the secret once; no query, list, error, log or endpoint shows it again, and token queries return only ' +
      'metadata',
    async () => {
      const created = await createApp(alice, 'Shown once', 'https://once.example/cb', ['openid', 'read_user'])
      expect(created.secret).toStartWith('lkcs_')
      const rotated = await ok(
        server(),
        alice,
        `mutation { rotateApplicationSecret(input: {id: "${created.id}"}) { ${E} ... on ApplicationWithSecret {
          clientSecret } } }`,
      )
      const secret2: string = rotated.rotateApplicationSecret.clientSecret
      expect(secret2).toStartWith('lkcs_')
      expect(secret2).not.toBe(created.secret)
      // the old secret stops working, the new one works
      const app = client({ clientId: created.clientId, secret: created.secret }, 'https://once.example/cb')
      expect(
        (await postForm(server().url, '/oauth/token', app, { grant_type: 'authorization_code', code: 'lkac_x' }))
          .status,
      ).toBe(401)
      const issued = await tokensFor(env, { ...app, secret: secret2 }, { scope: 'openid read_user' })
      const pat = await ok(
        server(),
        alice,
        `mutation { createPersonalAccessToken(input: {scopes: ["read_user"], expiresIn: 3600}) { ${E}
          ... on CreatePersonalAccessTokenPayload { value } } }`,
      )
      const patValue: string = pat.createPersonalAccessToken.value
      const raw = [created.secret, secret2, issued.access_token, issued.refresh_token!, patValue]

      const seen: string[] = []
      const look = async (token: string, query: string) =>
        seen.push(JSON.stringify((await gql(server(), token, query)).body))
      const everything = `{
      applications(first: 100) { edges { node { id clientId name redirectUris allowedScopes } } }
      tokens(first: 100) {
        edges { node { id kind prefix lastCharacters scopes expiresAt createdAt application { clientId } } }
      }
      grants(first: 100) { edges { node { id scopes } } }
      auditEvents(first: 100) { edges { node { type detail } } }
    }`
      await look(admin, everything)
      await look(alice, everything)
      await look(alice, `{ node(id: "${created.id}") { ... on Application { clientId name } } }`)
      await look(
        alice,
        `mutation { r: updateApplication(input: {id: "${created.id}", redirectUris: ["javascript:x"]}) { ${E} } }`,
      )
      await look(alice, `{ applications(first: 1) { edges { node { clientSecret } } } }`)
      for (const path of ['/.well-known/openid-configuration', '/oauth/token/info'])
        seen.push(
          await (
            await fetch(server().url + path, { headers: { Authorization: `Bearer ${issued.access_token}` } })
          ).text(),
        )
      seen.push(...server().logs)
      const haystack = seen.join('\n')
      for (const value of raw) expect({ leaked: haystack.includes(value) }).toEqual({ leaked: false })
      // positive control: the listing did include the tokens' metadata
      expect(haystack).toContain(issued.access_token.slice(-4))
      expect(haystack).toContain('lkat_')
    },
  )
})

describe('M.71 redirect URI validation on create and update', () => {
  const BAD = [
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    'http://evil.example/cb',
    'https://a.example/cb#fragment',
    'https://*.example/cb',
    '/cb',
    `https://a.example/${'x'.repeat(2100)}`,
  ]

  test.each(BAD.map((u) => [u.slice(0, 40), u]))(
    'Keycloak CVE-2026-9086, CVE-2023-6717; RFC 6749 §3.1.2: %s → typed ValidationError, nothing stored',
    async (_, uri) => {
      const before = (await ok(server(), admin, APPS)).applications.edges.length
      const c = await ok(
        server(),
        alice,
        `mutation($u: String!) { createApplication(input: {name: "bad", redirectUris: [$u]}) { ${E} } }`,
        { u: uri },
      )
      expect(c.createApplication).toMatchObject({ __typename: 'ValidationError', field: 'redirectUris.0' })
      const u = await ok(
        server(),
        alice,
        `mutation($u: String!) { updateApplication(input: {id: "${aliceApp.id}",
          redirectUris: ["https://alice.example/cb", $u]}) { ${E} } }`,
        { u: uri },
      )
      expect(u.updateApplication).toMatchObject({ __typename: 'ValidationError', field: 'redirectUris.1' })
      expect((await ok(server(), admin, APPS)).applications.edges.length).toBe(before)
      const after = await ok(server(), alice, `{ node(id: "${aliceApp.id}") { ... on Application { redirectUris } } }`)
      expect(after.node.redirectUris).toEqual(['https://alice.example/cb'])
    },
  )
})

describe('M.72 abusive documents are refused before execution', () => {
  /** viewer { user { applications { edges { node { owner { applications … } } } } } }, `levels` times. */
  function deep(levels: number): string {
    let inner = 'username'
    for (let i = 0; i < levels; i++) inner = `applications(first: 1) { edges { node { owner { ${inner} } } } }`
    return `{ viewer { user { ${inner} } } }`
  }
  const patCount = async () =>
    (await ok(server(), admin, '{ tokens(kind: PERSONAL, first: 100) { edges { cursor } } }')).tokens.edges.length

  test(
    'OWASP GraphQL Cheat Sheet (DoS): depth ≥ 15 → rejected; ' + 'a shallow query of the same shape works',
    async () => {
      const r = await gql(server(), admin, deep(4)) // 19 levels
      expect(r.body.data ?? null).toBeNull()
      expect(JSON.stringify(r.body.errors)).toMatch(/depth/i)
      expect((await gql(server(), admin, deep(1))).body.errors).toBeUndefined()
    },
  )

  test(
    'OWASP GraphQL Cheat Sheet (batching attacks): 1,000 aliases of one field, and alias-batched mutations, ' +
      'are refused whole — nothing runs',
    async () => {
      const aliases = await gql(
        server(),
        admin,
        `{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: viewer { canWrite }`).join(' ')} }`,
      )
      expect(aliases.body.data ?? null).toBeNull()
      expect(JSON.stringify(aliases.body.errors)).toMatch(/alias|token limit/i)
      const before = await patCount()
      const batch = await gql(
        server(),
        alice,
        `mutation { ${Array.from(
          { length: 100 },
          (_, i) => `m${i}: createPersonalAccessToken(input: {scopes: ["read_user"]}) { __typename }`,
        ).join(' ')} }`,
      )
      expect(batch.body.data ?? null).toBeNull()
      expect(JSON.stringify(batch.body.errors)).toMatch(/alias/i)
      expect(await patCount()).toBe(before)
    },
  )

  test('OWASP GraphQL Cheat Sheet (batching): a JSON array of 100 operations → 4xx, none executed', async () => {
    const before = await patCount()
    const body = JSON.stringify(
      Array.from({ length: 100 }, () => ({
        query: 'mutation { createPersonalAccessToken(input: {scopes: ["read_user"]}) { __typename } }',
      })),
    )
    const res = await fetch(`${server().url}/graphql`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${alice}`, 'Content-Type': 'application/json' },
      body,
    })
    expect(res.status).toBeGreaterThanOrEqual(400)
    expect(res.status).toBeLessThan(500)
    expect(await res.text()).not.toContain('CreatePersonalAccessTokenPayload')
    expect(await patCount()).toBe(before)
  })

  test('OWASP GraphQL Cheat Sheet (DoS): first: 1000000 → rejected, as a literal and as a variable', async () => {
    for (const r of [
      await gql(server(), admin, '{ applications(first: 1000000) { edges { cursor } } }'),
      await gql(server(), admin, 'query($n: Int) { tokens(first: $n) { edges { cursor } } }', { n: 1_000_000 }),
    ]) {
      expect(r.body.data ?? null).toBeNull()
      expect(JSON.stringify(r.body.errors)).toMatch(/first|PAGE_SIZE|cost/i)
    }
  })
})

describe('M.73 revocations through the API take effect at once', () => {
  const R = 'https://m73.example/cb'
  async function liveTokens(name: string) {
    const s = server().provider.services
    const created = await s.applications.create({
      name,
      redirectUris: [R],
      scopes: ['openid', 'read_user'],
      ownerId: env.f.alice.id,
    })
    const app: Client = { clientId: created.application.clientId, secret: created.clientSecret, redirectUri: R }
    const t = await tokensFor(env, app, { scope: 'openid read_user' })
    expect(await introspect(env, t.access_token)).toMatchObject({ active: true })
    expect((await userinfo(env, t.access_token)).status).toBe(200)
    return { app, t, id: globalId('Application', created.application.id) }
  }
  async function expectDead(app: Client, t: { access_token: string; refresh_token?: string }) {
    expect(await introspect(env, t.access_token)).toEqual({ active: false })
    expect(await introspect(env, t.refresh_token!)).toEqual({ active: false })
    for (const d of DIALECTS) expect((await userinfo(env, t.access_token, d.userinfo)).status).toBe(401)
    expect((await tokenInfo(env, t.access_token)).status).toBe(401)
    const r = await refresh(env, app, t.refresh_token!)
    expect(r.status).toBeGreaterThanOrEqual(400)
    expect(r.status).toBeLessThan(500)
    expect(((await r.json()) as { access_token?: string }).access_token).toBeUndefined()
  }

  test(
    'Gitea issue 19111: deleteApplication → its tokens are inactive at introspect, userinfo and token info, ' +
      'and refresh fails',
    async () => {
      const { app, t, id } = await liveTokens('M73 delete')
      const d = await ok(
        server(),
        alice,
        `mutation { deleteApplication(input: {id: "${id}"}) { ${E} ... on DeleteApplicationPayload { clientId } } }`,
      )
      expect(d.deleteApplication.clientId).toBe(app.clientId)
      await expectDead(app, t)
    },
  )

  test(
    'RFC 7009 §2.1: revokeGrant → every token under the grant is inactive at once, ' + 'and refresh fails',
    async () => {
      const { app, t, id } = await liveTokens('M73 grant')
      const g = await ok(
        server(),
        alice,
        `{ grants(application: "${id}", state: ACTIVE, first: 5) { edges { node { id } } } }`,
      )
      expect(g.grants.edges).toHaveLength(1)
      const r = await ok(
        server(),
        alice,
        `mutation { revokeGrant(input: {id: "${g.grants.edges[0].node.id}"}) { ${E} ... on RevokeGrantPayload {
        grant { active } } } }`,
      )
      expect(r.revokeGrant.grant.active).toBe(false)
      await expectDead(app, t)
    },
  )

  test(
    'RFC 7009 §2.1: revokeToken on the access token → it and its refresh family are inactive at once; other ' +
      'tokens live on',
    async () => {
      const { app, t, id } = await liveTokens('M73 token')
      const other = await tokensFor(env, app, { scope: 'openid read_user' })
      const list = await ok(
        server(),
        alice,
        `{ tokens(application: "${id}", kind: ACCESS, state: ACTIVE, first: 10) { edges { node { id lastCharacters
          } } } }`,
      )
      const mine = list.tokens.edges.find((e: any) => e.node.lastCharacters === t.access_token.slice(-4))
      const r = await ok(
        server(),
        alice,
        `mutation { revokeToken(input: {id: "${mine.node.id}"}) { ${E} ... on RevokeTokenPayload { token { active }
          } } }`,
      )
      expect(r.revokeToken.token.active).toBe(false)
      await expectDead(app, t)
      expect(await introspect(env, other.access_token)).toMatchObject({ active: true })
    },
  )
})

describe("M.74 the application's scope ceiling", () => {
  const R = 'https://m74.example/cb'
  let limited: Client
  let readOrg: Client
  beforeAll(async () => {
    const s = server().provider.services
    await s.scopes.importPreset('gitea-legacy')
    const mk = async (name: string, scopes: string[]) => {
      const c = await s.applications.create({ name, redirectUris: [R], scopes })
      return { clientId: c.application.clientId, secret: c.clientSecret, redirectUri: R }
    }
    limited = await mk('Read user only', ['read_user'])
    readOrg = await mk('Read org only', ['read:org'])
  })

  test.each(DIALECTS)(
    'RFC 9700 §2.3; Gitea issue 25813: app limited to read_user, /authorize?scope=admin:org → ER(invalid_scope), ' +
      'never granted ($name)',
    async (dialect) => {
      const browser = new Browser(server().url)
      await browser.login()
      for (const scope of ['admin:org', 'read_user admin:org', 'api', 'admin']) {
        const res = await rawAuthorize(
          env,
          { response_type: 'code', client_id: limited.clientId, redirect_uri: R, scope, state: 's74' },
          { path: dialect.authorize, browser },
        )
        const to = location(res, server().url)
        expect(to.origin + to.pathname).toBe(R)
        expect(to.searchParams.get('error')).toBe('invalid_scope')
        expect(to.searchParams.get('state')).toBe('s74')
        expect(to.searchParams.get('iss')).toBe(server().config.issuer)
        expect(to.searchParams.get('code')).toBeNull()
      }
    },
  )

  test(
    'RFC 9700 §2.3: implied scopes never climb above the ceiling — read:org app asking write:org or admin:org ' +
      '(which imply read:org) → invalid_scope; read:org → exactly read:org',
    async () => {
      const browser = new Browser(server().url)
      await browser.login()
      for (const scope of ['write:org', 'admin:org']) {
        const to = location(
          await rawAuthorize(
            env,
            { response_type: 'code', client_id: readOrg.clientId, redirect_uri: R, scope, state: 's' },
            { browser },
          ),
          server().url,
        )
        expect(to.searchParams.get('error')).toBe('invalid_scope')
      }
      const t = await tokensFor(env, readOrg, { scope: 'read:org', browser })
      expect(t.scope).toBe('read:org')
      const t2 = await tokensFor(env, limited, { scope: 'read_user', browser })
      expect(t2.scope).toBe('read_user')
      expect(await introspect(env, t2.access_token)).toMatchObject({ active: true, scope: 'read_user' })
    },
  )
})
