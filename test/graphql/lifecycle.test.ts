/**
 * Issue 14 §3: account lifecycle through the admin API — enable a disabled user, delete a user
 * (everything they hold ends; audit events stay), clear a sign-in lockout, and list and revoke
 * personal access tokens. The CLI drives the same services (test/cli/lifecycle.test.ts).
 */
import { describe, expect, test } from 'bun:test'
import { Browser } from '../helpers/browser.ts'
import { PASSWORD } from '../helpers/fixtures.ts'
import { pkcePair, postForm } from '../helpers/oauth.ts'
import { startServer } from '../helpers/server.ts'
import { globalId, gql, ok, REDIRECT, seedAdminWorld } from './support.ts'

const E = '__typename ... on Error { message field }'

async function world() {
  const server = await startServer()
  return Object.assign(server, { w: await seedAdminWorld(server.provider.services) })
}

const tokenInfo = (url: string, token: string) =>
  fetch(`${url}/oauth/token/info`, { headers: { Authorization: `Bearer ${token}` } })

describe('issue 14 §3: account lifecycle in GraphQL', () => {
  test('enableUser lets a disabled user sign in again; tokens revoked by disabling stay revoked', async () => {
    await using server = await world()
    const { w } = server
    const bob = globalId('User', w.bob.id)
    await ok(server, w.tokens.admin, `mutation { disableUser(input: {id: "${bob}"}) { ${E} } }`)
    expect(await server.provider.services.users.authenticate('bob', PASSWORD)).toBeUndefined()
    const e = await ok(
      server,
      w.tokens.admin,
      `mutation { enableUser(input: {id: "${bob}"}) { ${E} ... on UserPayload { user { username disabled } } } }`,
    )
    expect(e.enableUser.user).toEqual({ username: 'bob', disabled: false })
    expect(await server.provider.services.users.authenticate('bob', PASSWORD)).toBeDefined()
    expect((await tokenInfo(server.url, w.tokens.bob)).status).toBe(401)
    const viewer = await ok(server, w.tokens.alice, `mutation { enableUser(input: {id: "${bob}"}) { ${E} } }`).catch(
      (x: Error) => x.message,
    )
    expect(JSON.stringify(viewer)).toContain('ForbiddenError')
  })

  test(
    'deleteUser ends sessions, OAuth and personal tokens and grants at once; owned applications stay ' +
      'ownerless; audit events stay',
    async () => {
      await using server = await world()
      const { w } = server
      const app = w.bobApp
      const browser = new Browser(server.url)
      const { verifier, challenge } = pkcePair()
      const cb = await browser.authorize(
        {
          response_type: 'code',
          client_id: app.application.clientId,
          redirect_uri: REDIRECT,
          scope: 'openid read_user',
          code_challenge: challenge,
          code_challenge_method: 'S256',
        },
        { username: 'alice' },
      )
      const client = { clientId: app.application.clientId, secret: app.clientSecret, redirectUri: REDIRECT }
      const oauth = (await (
        await postForm(server.url, '/oauth/token', client, {
          grant_type: 'authorization_code',
          code: cb.searchParams.get('code')!,
          redirect_uri: REDIRECT,
          code_verifier: verifier,
        })
      ).json()) as { access_token: string; refresh_token: string }
      const aliceApp = globalId('Application', w.aliceApp.application.id)
      const d = await ok(
        server,
        w.tokens.admin,
        `mutation { deleteUser(input: {id: "${globalId('User', w.alice.id)}"}) { ${E} ... on DeleteUserPayload {
          deletedUserId username } } }`,
      )
      expect(d.deleteUser).toEqual({
        __typename: 'DeleteUserPayload',
        deletedUserId: globalId('User', w.alice.id),
        username: 'alice',
      })
      for (const token of [oauth.access_token, w.tokens.alice])
        expect((await tokenInfo(server.url, token)).status).toBe(401)
      expect(
        await (
          await postForm(server.url, '/oauth/token', client, {
            grant_type: 'refresh_token',
            refresh_token: oauth.refresh_token,
          })
        ).json(),
      ).toMatchObject({ error: 'invalid_grant' })
      expect((await browser.get('/account/applications')).status).toBe(303) // the session is gone
      const after = await ok(
        server,
        w.tokens.admin,
        `{ user(username: "alice") { id } grants(first: 5) { edges { node { id } } } node(id: "${aliceApp}") {
          ... on Application { name owner { username } } } auditEvents(type: "user.deleted", first: 1) { edges {
          node { detail } } } }`,
      )
      expect(after.user).toBeNull()
      expect(after.grants.edges).toEqual([])
      expect(after.node).toEqual({ name: 'Alice app', owner: null })
      expect(after.auditEvents.edges[0].node.detail).toEqual({ username: 'alice' })
      expect(await server.provider.services.users.create({ username: 'alice', password: PASSWORD })).toMatchObject({
        username: 'alice',
      })
      const self = await ok(
        server,
        w.tokens.admin,
        `mutation { deleteUser(input: {id: "${globalId('User', w.root.id)}"}) { ${E} } }`,
      )
      expect(self.deleteUser).toMatchObject({ __typename: 'ConflictError', field: 'id' })
    },
  )

  test('clearUserSignInLockout lifts the lockout after ten failures; resetUserPassword lifts it too', async () => {
    await using server = await world()
    const { w } = server
    const lock = async () => {
      for (let i = 0; i < 10; i++) await server.provider.services.rateLimits.recordFailure('loginPerUsername', 'Bob')
      expect((await new Browser(server.url).login('bob', PASSWORD)).status).toBe(429)
    }
    await lock()
    const c = await ok(
      server,
      w.tokens.admin,
      `mutation { clearUserSignInLockout(input: {id: "${globalId('User', w.bob.id)}"}) { ${E} ... on UserPayload {
        user { username } } } }`,
    )
    expect(c.clearUserSignInLockout.user.username).toBe('bob')
    expect((await new Browser(server.url).login('bob', PASSWORD)).status).toBe(303)
    await lock()
    const r = await ok(
      server,
      w.tokens.admin,
      `mutation { resetUserPassword(input: {id: "${globalId('User', w.bob.id)}",
        password: "a brand new password"}) { ${E} } }`,
    )
    expect(r.resetUserPassword.__typename).toBe('ResetUserPasswordPayload')
    expect((await new Browser(server.url).login('bob', 'a brand new password')).status).toBe(303)
    const audit = await ok(
      server,
      w.tokens.admin,
      '{ auditEvents(type: "user.lockout_cleared", first: 1) { edges { node { actor { username } user { username ' +
        '} } } } }',
    )
    expect(audit.auditEvents.edges[0].node).toEqual({ actor: { username: 'root' }, user: { username: 'bob' } })
  })

  test('personal access tokens are listed with tokens(kind: PERSONAL) and revoked with revokeToken', async () => {
    await using server = await world()
    const { w } = server
    const list = await ok(
      server,
      w.tokens.admin,
      `{ tokens(kind: PERSONAL, state: ACTIVE, user: "${globalId('User', w.bob.id)}", first: 10) { edges { node {
        id lastCharacters scopes } } } }`,
    )
    expect(list.tokens.edges.map((e: any) => e.node.lastCharacters)).toEqual([
      w.tokens.bobAdminScope.slice(-4),
      w.tokens.bob.slice(-4),
    ])
    const id = list.tokens.edges[1].node.id
    const r = await gql(
      server,
      w.tokens.admin,
      `mutation { revokeToken(input: {id: "${id}"}) { ${E} ... on RevokeTokenPayload { token { active } } } }`,
    )
    expect(r.body.data.revokeToken.token.active).toBe(false)
    expect((await tokenInfo(server.url, w.tokens.bob)).status).toBe(401)
  })
})
