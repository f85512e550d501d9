/**
 * Issue 16: a `groups` scope releases a `groups` claim (the names of the user's groups) in the ID
 * token (OIDC Core §2, §5.4), at userinfo (OIDC Core §5.3) and at introspection (RFC 7662 §2.2 allows
 * claims beyond its list), only when that scope was granted. Gitea's and Forgejo's OpenID Connect login
 * source read it (--group-claim-name groups) to make members of a group administrators or restricted.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { decodeJwt } from 'jose'
import { groupsClaim } from '../../src/oidc/claims.ts'
import { Browser } from '../helpers/browser.ts'
import type { Client } from '../helpers/fixtures.ts'
import { introspect, refresh, setup, tokensFor, userinfo, type Env } from '../helpers/flows.ts'

let env: Env
let forge: Client
beforeAll(async () => {
  env = await setup()
  const { applications, groups } = env.server.provider.services
  const app = await applications.create({
    name: 'Forge',
    redirectUris: ['https://forge.example/user/oauth2/latchkey/callback'],
    scopes: ['openid', 'profile', 'email', 'groups', 'offline_access'],
  })
  forge = {
    clientId: app.application.clientId,
    secret: app.clientSecret,
    redirectUri: app.application.redirectUris[0]!,
  }
  for (const name of ['forge-admins', 'Developers']) await groups.create({ name })
  for (const name of ['forge-admins', 'Developers']) await groups.addMember({ name }, { username: 'alice' })
})
afterAll(async () => {
  await env.server[Symbol.asyncDispose]()
})

async function claimsEverywhere(scope: string, as?: { username: string; browser: Browser }) {
  const tokens = await tokensFor(env, forge, { scope, ...as })
  const info = (await (await userinfo(env, tokens.access_token)).json()) as Record<string, unknown>
  return {
    tokens,
    idToken: decodeJwt(tokens.id_token!),
    info,
    introspection: await introspect(env, tokens.access_token),
  }
}

describe('issue 16: the groups claim (OIDC Core §5.4, RFC 7662 §2.2)', () => {
  test('with the groups scope: the ID token, userinfo and introspection carry the group names, sorted', async () => {
    const { idToken, info, introspection } = await claimsEverywhere('openid profile groups')
    expect(idToken.groups).toEqual(['Developers', 'forge-admins'])
    expect(info.groups).toEqual(['Developers', 'forge-admins'])
    expect(introspection).toMatchObject({ active: true, groups: ['Developers', 'forge-admins'] })
  })

  test('without the groups scope: no groups claim in the ID token, at userinfo or at introspection', async () => {
    const { idToken, info, introspection } = await claimsEverywhere('openid profile email')
    expect(idToken).not.toHaveProperty('groups')
    expect(info).not.toHaveProperty('groups')
    expect(introspection).toMatchObject({ active: true })
    expect(introspection).not.toHaveProperty('groups')
  })

  test('after a membership change, new tokens (a new login and a refresh) carry the new names', async () => {
    const { groups } = env.server.provider.services
    const first = await tokensFor(env, forge, { scope: 'openid groups offline_access' })
    expect(decodeJwt(first.id_token!).groups).toEqual(['Developers', 'forge-admins'])
    await groups.removeMember({ name: 'forge-admins' }, { username: 'alice' })
    await groups.create({ name: 'ops' })
    await groups.addMember({ name: 'ops' }, { username: 'alice' })
    try {
      const res = await refresh(env, forge, first.refresh_token!)
      const refreshed = (await res.json()) as { id_token: string; access_token: string }
      expect(decodeJwt(refreshed.id_token).groups).toEqual(['Developers', 'ops'])
      const again = await tokensFor(env, forge, { scope: 'openid groups' })
      expect(decodeJwt(again.id_token!).groups).toEqual(['Developers', 'ops'])
      // Userinfo and introspection answer from the membership as it is now, for any live token.
      expect(((await (await userinfo(env, refreshed.access_token)).json()) as { groups: string[] }).groups).toEqual([
        'Developers',
        'ops',
      ])
      expect((await introspect(env, again.access_token)).groups).toEqual(['Developers', 'ops'])
    } finally {
      await groups.delete({ name: 'ops' })
      await groups.addMember({ name: 'forge-admins' }, { username: 'alice' })
    }
  })

  test('a renamed group is released under its new name; a user in no group gets an empty array', async () => {
    const { groups } = env.server.provider.services
    await groups.rename({ name: 'Developers' }, 'devs')
    try {
      const { idToken } = await claimsEverywhere('openid groups')
      expect(idToken.groups).toEqual(['devs', 'forge-admins'])
    } finally {
      await groups.rename({ name: 'devs' }, 'Developers')
    }
    const bob = await claimsEverywhere('openid groups', { username: 'bob', browser: new Browser(env.server.url) })
    expect(bob.idToken.groups).toEqual([])
    expect(bob.info.groups).toEqual([])
    expect(bob.introspection.groups).toEqual([])
  })

  test('discovery lists the groups claim in claims_supported and the groups scope in scopes_supported', async () => {
    const doc = (await (await fetch(`${env.server.url}/.well-known/openid-configuration`)).json()) as {
      claims_supported: string[]
      scopes_supported: string[]
    }
    expect(doc.claims_supported).toContain('groups')
    expect(doc.scopes_supported).toContain('groups')
  })
})

describe('issue 16: the group names are read only when the groups scope was granted', () => {
  test('no query without the scope; one with it', async () => {
    let calls = 0
    const port = { groups: { namesForUser: async () => (calls++, ['a']) } }
    expect(await groupsClaim(port, 'u', ['openid', 'profile', 'email'])).toBeUndefined()
    expect(calls).toBe(0)
    expect(await groupsClaim(port, 'u', ['openid', 'groups'])).toEqual(['a'])
    expect(calls).toBe(1)
  })
})

describe('issue 16: the README shows the Gitea login source that reads the claim', () => {
  test('the exact gitea admin auth add-oauth line: asks for the groups scope, names the groups claim', async () => {
    const readme = await Bun.file(new URL('../../README.md', import.meta.url)).text()
    expect(readme).toContain(
      'gitea admin auth add-oauth --name latchkey --provider openidConnect --key <id> --secret <secret> ' +
        '--auto-discover-url https://<issuer>/.well-known/openid-configuration ' +
        '--scopes "openid profile email groups" --group-claim-name groups --admin-group <admins> ' +
        '--restricted-group <restricted>',
    )
  })
})
