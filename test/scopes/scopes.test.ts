import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { csrfToken } from '../../src/crypto/csrf.ts'
import { Browser } from '../helpers/browser.ts'
import { seed, type Client } from '../helpers/fixtures.ts'
import { pkcePair, postForm } from '../helpers/oauth.ts'
import { startServer, type TestServer } from '../helpers/server.ts'

let server: TestServer
let FORGE: Client
let RS: Client

beforeAll(async () => {
  server = await startServer()
  const services = server.provider.services
  const f = await seed(services)
  RS = f.RS
  await services.scopes.importPreset('gitea-legacy')
  const { application, clientSecret } = await services.applications.create({
    name: 'Forge CI',
    redirectUris: ['https://ci.example/cb'],
    scopes: ['openid', 'profile', 'write:org', 'read_user'],
  })
  FORGE = { clientId: application.clientId, secret: clientSecret, redirectUri: 'https://ci.example/cb' }
})
afterAll(() => server[Symbol.asyncDispose]())

async function tokensFor(scope: string | undefined, client = FORGE) {
  const { verifier, challenge } = pkcePair()
  const query = {
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: client.redirectUri,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...(scope === undefined ? {} : { scope }),
  }
  const redirect = await new Browser(server.url).authorize(query)
  if (redirect.searchParams.get('error')) return { error: redirect.searchParams.get('error')! }
  const res = await postForm(server.url, '/oauth/token', client, {
    grant_type: 'authorization_code',
    code: redirect.searchParams.get('code')!,
    redirect_uri: client.redirectUri,
    code_verifier: verifier,
  })
  return (await res.json()) as { access_token: string; refresh_token: string; scope: string }
}

describe('issue 3: scopes as managed data (Gitea seed hierarchy)', () => {
  test('Gitea seed: granting write:org grants read:org; the token response says so', async () => {
    const t = await tokensFor('write:org')
    expect('scope' in t && t.scope.split(' ').sort()).toEqual(['read:org', 'write:org'])
  })

  test('issue 3: introspection and token info list every scope the token carries', async () => {
    const t = (await tokensFor('write:org read_user')) as { access_token: string }
    const intro = (await (await postForm(server.url, '/oauth/introspect', RS, { token: t.access_token })).json()) as {
      scope: string
    }
    expect(intro.scope.split(' ').sort()).toEqual(['read:org', 'read_user', 'write:org'])
    const info = (await (
      await fetch(`${server.url}/oauth/token/info`, { headers: { Authorization: `Bearer ${t.access_token}` } })
    ).json()) as { scope: string[] }
    expect(info.scope.sort()).toEqual(['read:org', 'read_user', 'write:org'])
  })

  test(
    'checklist M.74, RFC 9700 §2.3: implied scopes never climb above the application ceiling ' +
      '(admin:org → invalid_scope)',
    async () => {
      expect(await tokensFor('admin:org')).toEqual({ error: 'invalid_scope' })
    },
  )

  test('RFC 6749 §3.3: an omitted scope gets the application defaults (openid is the built-in default)', async () => {
    const t = (await tokensFor(undefined)) as { scope: string }
    expect(t.scope).toBe('openid')
  })

  test('issue 3: marking a scope default changes what an omitted scope means', async () => {
    await server.provider.services.scopes.update('read_user', { isDefault: true })
    try {
      const t = (await tokensFor(undefined)) as { scope: string }
      expect(t.scope.split(' ').sort()).toEqual(['openid', 'read_user'])
    } finally {
      await server.provider.services.scopes.update('read_user', { isDefault: false })
    }
  })

  test('RFC 6749 §6: a refresh may narrow scope, and never widens it', async () => {
    const t = (await tokensFor('write:org read_user')) as { refresh_token: string }
    const wide = await postForm(server.url, '/oauth/token', FORGE, {
      grant_type: 'refresh_token',
      refresh_token: t.refresh_token,
      scope: 'write:org profile',
    })
    expect(await wide.json()).toMatchObject({ error: 'invalid_scope' })
    const narrow = (await (
      await postForm(server.url, '/oauth/token', FORGE, {
        grant_type: 'refresh_token',
        refresh_token: t.refresh_token,
        scope: 'read:org',
      })
    ).json()) as { scope: string }
    expect(narrow.scope).toBe('read:org')
  })

  test('issue 3: scope rules — cycles, unknown children, built-ins and implied scopes cannot be broken', async () => {
    const scopes = server.provider.services.scopes
    await expect(scopes.update('read:org', { implies: ['admin:org'] })).rejects.toThrow('cycle')
    await expect(scopes.create({ name: 'x:y', description: 'x', implies: ['nope'] })).rejects.toThrow('unknown')
    await expect(scopes.delete('openid')).rejects.toThrow('built in')
    await expect(scopes.delete('read:org')).rejects.toThrow('implied by write:org')
    await expect(scopes.create({ name: 'has space', description: 'x' })).rejects.toThrow()
  })

  test('issue 3: importing a preset twice creates nothing the second time', async () => {
    const again = await server.provider.services.scopes.importPreset('gitea-legacy')
    expect(again.created).toEqual([])
    expect(again.skipped).toContain('admin:org')
  })
})

describe('issue 3: consents are remembered, asked again only for the difference, and revocable', () => {
  test('a request for more scopes shows a consent page listing the new scope apart from approved ones', async () => {
    const browser = new Browser(server.url)
    await browser.authorize({
      response_type: 'code',
      client_id: FORGE.clientId,
      redirect_uri: FORGE.redirectUri,
      scope: 'openid',
      state: 's',
    })
    // Same scopes again: no consent page, straight to the client.
    const forgeQuery = { response_type: 'code', client_id: FORGE.clientId, redirect_uri: FORGE.redirectUri }
    const again = await browser.get(`/oauth/authorize?${new URLSearchParams({ ...forgeQuery, scope: 'openid' })}`)
    expect(again.status).toBe(302)
    expect(again.headers.get('location')).toStartWith(FORGE.redirectUri)
    const more = await browser.get(
      `/oauth/authorize?${new URLSearchParams({ ...forgeQuery, scope: 'openid profile' })}`,
    )
    expect(more.status).toBe(200)
    const page = await more.text()
    const [newPart, approvedPart] = page.split('Already approved:')
    expect(newPart).toContain('<code>profile</code>')
    expect(newPart).not.toContain('<code>openid</code>')
    expect(approvedPart).toContain('<code>openid</code>')
  })

  test('/account/applications lists the grant; revoking it kills its tokens at once', async () => {
    const t = (await tokensFor('read_user')) as { access_token: string; refresh_token: string }
    const browser = new Browser(server.url)
    await browser.login()
    const page = await (await browser.get('/account/applications')).text()
    expect(page).toContain('Forge CI')
    const form = /name="csrf_token" value="([^"]+)">\n?<input type="hidden" name="grant_id" value="([^"]+)"/.exec(page)!
    const revoked = await browser.post('/account/applications/revoke', { csrf_token: form[1]!, grant_id: form[2]! })
    expect(await revoked.text()).toContain('Access revoked')
    expect(await (await postForm(server.url, '/oauth/introspect', RS, { token: t.access_token })).json()).toEqual({
      active: false,
    })
    expect(
      await (
        await postForm(server.url, '/oauth/token', FORGE, {
          grant_type: 'refresh_token',
          refresh_token: t.refresh_token,
        })
      ).json(),
    ).toMatchObject({ error: 'invalid_grant' })
  })

  test("another user's grant id cannot be revoked through the page", async () => {
    await tokensFor('read_user')
    const [grant] = await server.provider.services.grants.listForUser(
      (await server.provider.services.users.list()).find((u) => u.username === 'alice')!.id,
    )
    const bob = new Browser(server.url)
    await bob.login('bob')
    const csrf = csrfToken(bob.cookies.get('latchkey_session')!)
    const res = await bob.post('/account/applications/revoke', { csrf_token: csrf, grant_id: grant!.id })
    expect(await res.text()).toContain('Nothing to revoke')
    expect((await server.provider.services.grants.findById(grant!.id))!.revoked).toBe(false)
  })
})

describe('issue 3: updating a scope changes only what the patch names', () => {
  test('a description-only update keeps implies and the default flag', async () => {
    const scopes = server.provider.services.scopes
    await scopes.update('write:org', { description: 'Write organisations' })
    const s = await scopes.find('write:org')
    expect(s).toMatchObject({ description: 'Write organisations', implies: ['read:org'], isDefault: false })
  })
})
