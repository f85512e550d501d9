/** Checklist M.73 (Gitea issue 19111, RFC 7009 §2.1): revocations through GraphQL take effect at once everywhere. */
import { describe, expect, test } from 'bun:test'
import { postForm } from '../helpers/oauth.ts'
import { startServer } from '../helpers/server.ts'
import { globalId, ok, REDIRECT, seedAdminWorld } from './support.ts'

async function world() {
  const server = await startServer()
  const s = server.provider.services
  const w = await seedAdminWorld(s)
  const rs = await s.applications.create({
    name: 'Resource server',
    redirectUris: [REDIRECT],
    canIntrospect: true,
    scopes: ['openid'],
  })
  const issue = () =>
    s.tokens.issue({
      application: w.aliceApp.application,
      userId: w.alice.id,
      scopes: ['openid', 'read_user'],
      withRefresh: true,
      authTime: null,
    })
  await s.grants.approve(w.alice.id, w.aliceApp.application.id, ['openid', 'read_user'], null)
  const client = { clientId: rs.application.clientId, secret: rs.clientSecret, redirectUri: REDIRECT }
  const app = { clientId: w.aliceApp.application.clientId, secret: w.aliceApp.clientSecret, redirectUri: REDIRECT }
  const active = async (token: string) =>
    ((await (await postForm(server.url, '/oauth/introspect', client, { token })).json()) as { active: boolean }).active
  const tokenInfo = async (token: string) =>
    (await fetch(`${server.url}/oauth/token/info`, { headers: { Authorization: `Bearer ${token}` } })).status
  const refresh = async (token: string) =>
    (await postForm(server.url, '/oauth/token', app, { grant_type: 'refresh_token', refresh_token: token })).status
  return Object.assign(server, { w, issue, active, tokenInfo, refresh })
}

describe('checklist M.73: revocation through the admin API is immediate', () => {
  test(
    'deleteApplication: its tokens are inactive at introspect and token info at once, and ' + 'refresh fails',
    async () => {
      await using server = await world()
      const t = await server.issue()
      expect(await server.active(t.accessToken)).toBe(true)
      expect(await server.tokenInfo(t.accessToken)).toBe(200)
      const d = await ok(
        server,
        server.w.tokens.alice,
        `mutation { deleteApplication(input: {id: "${globalId('Application', server.w.aliceApp.application.id)}"}) {
        ... on DeleteApplicationPayload { clientId } } }`,
      )
      expect(d.deleteApplication.clientId).toBe(server.w.aliceApp.application.clientId)
      expect(await server.active(t.accessToken)).toBe(false)
      expect(await server.active(t.refreshToken!)).toBe(false)
      expect(await server.tokenInfo(t.accessToken)).toBe(401)
      expect(await server.refresh(t.refreshToken!)).toBeGreaterThanOrEqual(400)
    },
  )

  test('revokeGrant: every token issued under the grant is inactive at once, and refresh fails', async () => {
    await using server = await world()
    const t = await server.issue()
    const g = await ok(server, server.w.tokens.alice, '{ grants(state: ACTIVE, first: 5) { edges { node { id } } } }')
    const r = await ok(
      server,
      server.w.tokens.alice,
      `mutation { revokeGrant(input: {id: "${g.grants.edges[0].node.id}"}) { ... on RevokeGrantPayload { grant {
        active } } } }`,
    )
    expect(r.revokeGrant.grant.active).toBe(false)
    expect(await server.active(t.accessToken)).toBe(false)
    expect(await server.tokenInfo(t.accessToken)).toBe(401)
    expect(await server.refresh(t.refreshToken!)).toBe(400)
  })

  test('revokeToken: the access token and its refresh family are inactive at once', async () => {
    await using server = await world()
    const t = await server.issue()
    const other = await server.issue()
    const list = await ok(
      server,
      server.w.tokens.admin,
      `{ tokens(application: "${globalId('Application', server.w.aliceApp.application.id)}", kind: ACCESS,
        state: ACTIVE, first: 10) { edges { node { id lastCharacters } } } }`,
    )
    const mine = list.tokens.edges.find((e: any) => e.node.lastCharacters === t.accessToken.slice(-4))
    const r = await ok(
      server,
      server.w.tokens.admin,
      `mutation { revokeToken(input: {id: "${mine.node.id}"}) { ... on RevokeTokenPayload { token { active
        revokedAt } } } }`,
    )
    expect(r.revokeToken.token.active).toBe(false)
    expect(await server.active(t.accessToken)).toBe(false)
    expect(await server.tokenInfo(t.accessToken)).toBe(401)
    expect(await server.refresh(t.refreshToken!)).toBe(400)
    expect(await server.active(other.accessToken)).toBe(true)
  })

  test('revokeApplicationTokens and revokeUserTokens revoke every live token, and say how many', async () => {
    await using server = await world()
    const t = await server.issue()
    const a = await ok(
      server,
      server.w.tokens.alice,
      `mutation {
        revokeApplicationTokens(input: {id: "${globalId('Application', server.w.aliceApp.application.id)}"}) {
        ... on RevokedTokensPayload { revokedCount } } }`,
    )
    expect(a.revokeApplicationTokens.revokedCount).toBe(2)
    expect(await server.active(t.accessToken)).toBe(false)
    const u = await ok(
      server,
      server.w.tokens.admin,
      `mutation { revokeUserTokens(input: {id: "${globalId('User', server.w.bob.id)}"}) {
        ... on RevokedTokensPayload { revokedCount } } }`,
    )
    expect(u.revokeUserTokens.revokedCount).toBe(2) // bob's two personal tokens
    expect(await server.tokenInfo(server.w.tokens.bob)).toBe(401)
  })
})
