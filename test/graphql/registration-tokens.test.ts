/**
 * Issue 18: initial access tokens (RFC 7591 §3) through GraphQL, the twin of `latchkey
 * registration-token`; scopes' selfRegistration; an application's consent-page links and registration.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { startServer, type TestServer } from '../helpers/server.ts'
import { gql, ok, seedAdminWorld, type World } from './support.ts'

let server: TestServer
let w: World
beforeAll(async () => {
  server = await startServer({ config: { registrationPolicy: 'token' } })
  w = await seedAdminWorld(server.provider.services)
})
afterAll(async () => {
  await server[Symbol.asyncDispose]()
})

const CREATE = `mutation($input: CreateInitialAccessTokenInput!) {
  createInitialAccessToken(input: $input) {
    __typename
    ... on CreateInitialAccessTokenPayload {
      token initialAccessToken { id hint scopes grantTypes maxUses useCount state }
    }
    ... on Error { message field }
  }
}`

describe('issue 18: initial access tokens in GraphQL', () => {
  test('an administrator creates one (shown once), lists and revokes it; it registers a client meanwhile', async () => {
    const made = await ok(server, w.tokens.admin, CREATE, {
      input: { scopes: ['openid'], grantTypes: ['AUTHORIZATION_CODE'], maxUses: 2, description: 'for the console' },
    })
    const { token, initialAccessToken: t } = made.createInitialAccessToken
    expect(token).toStartWith('lkiat_')
    expect(t).toMatchObject({
      scopes: ['openid'],
      grantTypes: ['AUTHORIZATION_CODE'],
      maxUses: 2,
      useCount: 0,
      state: 'ACTIVE',
    })
    const res = await fetch(`${server.url}/oauth/register`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify({ redirect_uris: ['https://rp.example/cb'], scope: 'openid' }),
    })
    expect(res.status).toBe(201)
    const registered = (await res.json()) as { client_id: string }

    const listed = await ok(server, w.tokens.adminRead, '{ initialAccessTokens { id hint useCount state } }')
    expect(listed.initialAccessTokens).toEqual([{ id: t.id, hint: token.slice(-4), useCount: 1, state: 'ACTIVE' }])
    expect(JSON.stringify(listed)).not.toContain(token)

    const revoked = await ok(
      server,
      w.tokens.admin,
      `mutation($id: ID!) { revokeInitialAccessToken(input: {id: $id}) {
        ... on RevokeInitialAccessTokenPayload { initialAccessToken { state } } } }`,
      { id: t.id },
    )
    expect(revoked.revokeInitialAccessToken.initialAccessToken.state).toBe('REVOKED')

    const app = await ok(
      server,
      w.tokens.admin,
      '{ applications(first: 50) { edges { node { clientId registration } } } }',
    )
    expect(app.applications.edges.map((e: { node: unknown }) => e.node)).toContainEqual({
      clientId: registered.client_id,
      registration: 'DYNAMIC',
    })
  })

  test('refusals name the field; read-only administrators and viewers cannot create; viewers cannot list', async () => {
    const bad = await ok(server, w.tokens.admin, CREATE, { input: { scopes: ['nope'] } })
    expect(bad.createInitialAccessToken).toMatchObject({ __typename: 'ValidationError', field: 'scopes' })
    const password = await ok(server, w.tokens.admin, CREATE, { input: { grantTypes: ['PASSWORD'] } })
    expect(password.createInitialAccessToken).toMatchObject({ field: 'grantTypes.0' })
    for (const token of [w.tokens.adminRead, w.tokens.alice]) {
      const r = await gql(server, token, CREATE, { input: {} })
      expect(JSON.stringify(r.body)).not.toContain('lkiat_')
    }
    const viewer = await gql(server, w.tokens.alice, '{ initialAccessTokens { id } }')
    expect(viewer.body.data?.initialAccessTokens ?? null).toBeNull()
  })

  test('scopes carry selfRegistration; applications carry their links', async () => {
    const s = await ok(
      server,
      w.tokens.admin,
      `mutation { updateScope(input: {name: "profile", selfRegistration: true}) {
        ... on ScopePayload { scope { name selfRegistration } } } }`,
    )
    expect(s.updateScope.scope).toEqual({ name: 'profile', selfRegistration: true })
    const a = await ok(
      server,
      w.tokens.admin,
      `mutation { createApplication(input: {name: "Linked", redirectUris: ["https://l.example/cb"],
        logoUri: "https://l.example/logo.png", policyUri: "https://l.example/privacy", contacts: ["a@l.example"]}) {
        ... on ApplicationWithSecret { application { logoUri policyUri clientUri contacts registration } } } }`,
    )
    expect(a.createApplication.application).toEqual({
      logoUri: 'https://l.example/logo.png',
      policyUri: 'https://l.example/privacy',
      clientUri: null,
      contacts: ['a@l.example'],
      registration: 'ADMIN',
    })
  })
})
