/**
 * Issue 16: an application restricted to members of given groups. A user outside them is refused at
 * the authorization endpoint (a page, and RFC 6749 §4.1.2.1 `access_denied` to the client), at the
 * device approval (RFC 8628 §3.5 `access_denied` to the device), by the password grant, and at
 * every later exchange and refresh (RFC 6749 §5.2 `invalid_grant`, nothing issued). One service
 * operation (applications.mayUse) decides for every path.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { DEVICE_CODE_GRANT } from '../../src/services/applications/applications.ts'
import { Browser, formFields } from '../helpers/browser.ts'
import { PASSWORD, type Client } from '../helpers/fixtures.ts'
import { exchange, getCode, introspect, rawAuthorize, refresh, setup, tokensFor, type Env } from '../helpers/flows.ts'
import { postForm } from '../helpers/oauth.ts'

const REDIRECT = 'https://wiki.example/cb'
let env: Env
let wiki: Client
let device: Client

beforeAll(async () => {
  env = await setup()
  const { applications, groups } = env.server.provider.services
  const devs = await groups.create({ name: 'devs' })
  await groups.create({ name: 'ops' })
  await groups.addMember({ name: 'devs' }, { username: 'alice' })
  const app = await applications.create({
    name: 'Team wiki',
    redirectUris: [REDIRECT],
    scopes: ['openid', 'profile', 'read_user'],
    grantTypes: ['authorization_code', 'refresh_token', 'password'],
    allowedGroups: [devs.id],
  })
  wiki = { clientId: app.application.clientId, secret: app.clientSecret, redirectUri: REDIRECT }
  const helper = await applications.create({
    name: 'Team CLI',
    isPublic: true,
    grantTypes: [DEVICE_CODE_GRANT, 'refresh_token'],
    scopes: ['openid', 'read_user'],
    allowedGroups: [devs.id],
  })
  device = { clientId: helper.application.clientId, secret: null, redirectUri: '' }
})
afterAll(() => env.server[Symbol.asyncDispose]())

const authorizeQuery = (extra: Record<string, string> = {}) => ({
  response_type: 'code',
  client_id: wiki.clientId,
  redirect_uri: REDIRECT,
  scope: 'openid profile',
  state: 'xyz',
  code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGcSuZ7m7k',
  code_challenge_method: 'S256',
  ...extra,
})

async function signedIn(username: string): Promise<Browser> {
  const browser = new Browser(env.server.url)
  expect((await browser.login(username, PASSWORD)).status).toBe(303)
  return browser
}

const password = (username: string) =>
  postForm(env.server.url, '/oauth/token', wiki, { grant_type: 'password', username, password: PASSWORD })

describe('issue 16: applications restricted to groups, at the authorization endpoint (RFC 6749 §4.1.2.1)', () => {
  test('a member signs in, consents and gets tokens as usual', async () => {
    const tokens = await tokensFor(env, wiki, { scope: 'openid profile' })
    expect(tokens.access_token).toStartWith('lkat_')
  })

  test('after sign-in, before consent, a user outside the groups sees a page saying so (403), no code', async () => {
    const bob = await signedIn('bob')
    const res = await rawAuthorize(env, authorizeQuery(), { browser: bob })
    expect(res.status).toBe(403)
    expect(res.headers.get('location')).toBeNull()
    const page = await res.text()
    expect(page).toContain('Your account <strong>bob</strong> is not allowed to use')
    expect(page).toContain('Team wiki')
    expect(page).not.toContain('/oauth/authorize/decision')
    expect(page).not.toContain('lkac_')
    // The way back tells the client: §4.1.2.1 access_denied, with its state and RFC 9207's iss.
    const back = new URL(page.match(/<a href="([^"]+)">Back to/)![1]!.replaceAll('&amp;', '&'))
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT)
    expect(back.searchParams.get('error')).toBe('access_denied')
    expect(back.searchParams.get('state')).toBe('xyz')
    expect(back.searchParams.get('iss')).toBe(env.server.config.issuer)
    expect(back.searchParams.get('code')).toBeNull()
  })

  test('§4.1.2.1 with prompt=none the client gets access_denied at once, by redirect', async () => {
    const bob = await signedIn('bob')
    const res = await rawAuthorize(env, authorizeQuery({ prompt: 'none' }), { browser: bob })
    expect(res.status).toBe(302)
    const to = new URL(res.headers.get('location')!)
    expect(`${to.origin}${to.pathname}`).toBe(REDIRECT)
    expect(to.searchParams.get('error')).toBe('access_denied')
    expect(to.searchParams.get('state')).toBe('xyz')
    expect(to.searchParams.get('code')).toBeNull()
  })

  test('a user taken out of the group after /authorize cannot redeem the code (§5.2 invalid_grant)', async () => {
    const { groups } = env.server.provider.services
    const { code, verifier } = await getCode(env, wiki, { scope: 'openid profile' })
    await groups.removeMember({ name: 'devs' }, { username: 'alice' })
    try {
      const res = await exchange(env, wiki, code, verifier)
      expect(res.status).toBe(400)
      expect(await res.json()).toMatchObject({ error: 'invalid_grant' })
    } finally {
      await groups.addMember({ name: 'devs' }, { username: 'alice' })
    }
  })
})

describe('issue 16: and at every later refresh (RFC 6749 §5.2)', () => {
  test('removing the user from the group stops their next refresh with invalid_grant; nothing is issued', async () => {
    const { groups } = env.server.provider.services
    const first = await tokensFor(env, wiki, { scope: 'openid profile' })
    await groups.removeMember({ name: 'devs' }, { username: 'alice' })
    try {
      const res = await refresh(env, wiki, first.refresh_token!)
      expect(res.status).toBe(400)
      const body = (await res.json()) as Record<string, unknown>
      expect(body).toMatchObject({ error: 'invalid_grant' })
      expect(body).not.toHaveProperty('access_token')
    } finally {
      await groups.addMember({ name: 'devs' }, { username: 'alice' })
    }
    // Nothing was rotated: back in the group, the same refresh token still works, once.
    const again = await refresh(env, wiki, first.refresh_token!)
    expect(again.status).toBe(200)
  })

  test('a deleted group leaves the application closed, not open: refresh and sign-in refused', async () => {
    const { applications, groups } = env.server.provider.services
    const temp = await groups.create({ name: 'temp' })
    await groups.addMember({ name: 'temp' }, { username: 'alice' })
    const app = await applications.create({
      name: 'Closing',
      redirectUris: [REDIRECT],
      scopes: ['openid'],
      allowedGroups: [temp.id],
    })
    const closing: Client = { clientId: app.application.clientId, secret: app.clientSecret, redirectUri: REDIRECT }
    const tokens = await tokensFor(env, closing, { scope: 'openid' })
    await groups.delete({ name: 'temp' })
    expect(await applications.allowedGroups([app.application.id])).toEqual([[]])
    expect((await applications.show(closing.clientId)).restrictedToGroups).toBe(true)
    const res = await refresh(env, closing, tokens.refresh_token!)
    expect(await res.json()).toMatchObject({ error: 'invalid_grant' })
    const page = await rawAuthorize(
      env,
      { ...authorizeQuery({ scope: 'openid' }), client_id: closing.clientId },
      { browser: env.browser },
    )
    expect(page.status).toBe(403)
  })

  test('an empty list opens the application to everyone again', async () => {
    const { applications } = env.server.provider.services
    const app = await applications.create({ name: 'Reopened', redirectUris: [REDIRECT], scopes: ['openid'] })
    const ops = await env.server.provider.services.groups.find({ name: 'ops' })
    await applications.update(app.application.clientId, { allowedGroups: [ops!.id] })
    const bob = { restrictedToGroups: true, id: app.application.id }
    expect(await applications.mayUse(bob, env.f.bob.id)).toBe(false)
    const reopened = await applications.update(app.application.clientId, { allowedGroups: [] })
    expect(reopened.restrictedToGroups).toBe(false)
    expect(await applications.mayUse(reopened, env.f.bob.id)).toBe(true)
  })
})

describe('issue 16: the password grant and the device flow (RFC 6749 §5.2, RFC 8628 §3.5)', () => {
  test('the password grant gives a member tokens and refuses anyone else with invalid_grant', async () => {
    expect((await password('alice')).status).toBe(200)
    const res = await password('bob')
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error: 'invalid_grant' })
  })

  test('at the device page a user outside the groups sees why (403); the device gets access_denied', async () => {
    const start = await postForm(env.server.url, '/oauth/authorize_device', device, { scope: 'read_user' })
    const d = (await start.json()) as { device_code: string; user_code: string }
    const bob = await signedIn('bob')
    const entry = await (await bob.get('/oauth/device')).text()
    const res = await bob.post('/oauth/device', { ...formFields(entry), user_code: d.user_code })
    expect(res.status).toBe(403)
    const page = await res.text()
    expect(page).toContain('is not allowed to use')
    expect(page).not.toContain('/oauth/device/decision')
    const poll = await postForm(env.server.url, '/oauth/token', device, {
      grant_type: DEVICE_CODE_GRANT,
      device_code: d.device_code,
    })
    expect(poll.status).toBe(400)
    expect(await poll.json()).toMatchObject({ error: 'access_denied' })
  })

  test('a member approves on the device page and the device gets tokens', async () => {
    const start = await postForm(env.server.url, '/oauth/authorize_device', device, { scope: 'read_user' })
    const d = (await start.json()) as { device_code: string; user_code: string }
    const alice = await signedIn('alice')
    const entry = await (await alice.get('/oauth/device')).text()
    const confirm = await (await alice.post('/oauth/device', { ...formFields(entry), user_code: d.user_code })).text()
    const done = await alice.post('/oauth/device/decision', { ...formFields(confirm), decision: 'approve' })
    expect(done.status).toBe(200)
    const poll = await postForm(env.server.url, '/oauth/token', device, {
      grant_type: DEVICE_CODE_GRANT,
      device_code: d.device_code,
    })
    expect(poll.status).toBe(200)
    const { access_token } = (await poll.json()) as { access_token: string }
    expect(await introspect(env, access_token)).toMatchObject({ active: true })
  })
})
