/**
 * RFC 6749 §3.3: "If the client omits the scope parameter when requesting authorization, the
 * authorization server MUST either process the request using a pre-defined default value or fail the
 * request indicating an invalid scope." Issue 16 makes the default a per-application setting
 * (defaultScopes): a list is what such a request gets, an empty list fails it, null keeps the server's
 * rule (the allowed scopes marked default, else all of them). It travels with `latchkey export`.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cli } from '../helpers/cli.ts'
import type { Client } from '../helpers/fixtures.ts'
import { DIALECTS, getCode, setup, tokensFor, type Env } from '../helpers/flows.ts'
import { postForm } from '../helpers/oauth.ts'

let env: Env
let withDefault: Client
let refusing: Client
let serverRule: Client
let machine: Client
beforeAll(async () => {
  env = await setup()
  const apps = env.server.provider.services.applications
  const mk = async (name: string, defaultScopes: string[] | null): Promise<Client> => {
    const { application, clientSecret } = await apps.create({
      name,
      redirectUris: ['https://d.example/cb'],
      scopes: ['openid', 'profile', 'read_user'],
      defaultScopes,
    })
    return { clientId: application.clientId, secret: clientSecret, redirectUri: 'https://d.example/cb' }
  }
  withDefault = await mk('Defaults to read_user', ['read_user'])
  refusing = await mk('Refuses requests without scope', [])
  serverRule = await mk("The server's rule", null)
  const bot = await apps.create({
    name: 'Bot',
    scopes: ['read_user', 'api'],
    defaultScopes: ['read_user'],
    grantTypes: ['client_credentials'],
  })
  machine = { clientId: bot.application.clientId, secret: bot.clientSecret, redirectUri: '' }
})
afterAll(() => env.server[Symbol.asyncDispose]())

describe('RFC 6749 §3.3 (issue 16): an authorization request without scope', () => {
  for (const dialect of DIALECTS)
    test(`gets the application's default scopes (${dialect.name})`, async () => {
      const tokens = await tokensFor(env, withDefault, { dialect, extra: {}, scope: '' })
      expect(tokens.scope).toBe('read_user')
    })

  test('fails with invalid_scope when the application has an empty default list', async () => {
    const redirect = await env.browser.authorize(
      { response_type: 'code', client_id: refusing.clientId, redirect_uri: refusing.redirectUri, state: 's' },
      { path: '/oauth/authorize' },
    )
    expect(redirect.searchParams.get('error')).toBe('invalid_scope')
    expect(redirect.searchParams.get('state')).toBe('s')
  })

  test("keeps the server's rule when the application has none (openid is marked default)", async () => {
    const { redirect } = await getCode(env, serverRule, { scope: '' })
    expect(redirect.searchParams.get('code')).toBeString()
    const tokens = await tokensFor(env, serverRule, { scope: '' })
    expect(tokens.scope).toBe('openid')
  })

  test('a request naming a scope is not affected by the default', async () => {
    const tokens = await tokensFor(env, withDefault, { scope: 'openid profile' })
    expect(tokens.scope.split(' ').sort()).toEqual(['openid', 'profile'])
  })

  test('client credentials without scope (RFC 6749 §4.4.2) get the default, not everything allowed', async () => {
    const res = await postForm(env.server.url, '/oauth/token', machine, { grant_type: 'client_credentials' })
    expect(res.status).toBe(200)
    expect(((await res.json()) as { scope: string }).scope).toBe('read_user')
  })
})

describe('issue 16: default scopes are checked when written', () => {
  test('outside the allowed scopes, or unknown, is refused naming defaultScopes', async () => {
    const apps = env.server.provider.services.applications
    const base = { name: 'X', redirectUris: ['https://x.example/cb'], scopes: ['openid'] }
    await expect(apps.create({ ...base, defaultScopes: ['api'] })).rejects.toMatchObject({ field: 'defaultScopes' })
    await expect(apps.create({ ...base, defaultScopes: ['nope'] })).rejects.toMatchObject({ field: 'defaultScopes' })
    await expect(apps.update(withDefault.clientId, { scopes: ['openid'] })).rejects.toMatchObject({
      field: 'defaultScopes',
    })
  })

  test('latchkey export carries them to the new database (issue 7)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-default-scopes-'))
    try {
      const source = `sqlite:${join(dir, 'a.db')}`
      const target = `sqlite:${join(dir, 'b.db')}`
      const file = join(dir, 'export.jsonl')
      const create = ['app', 'create', '--name', 'D', '--redirect-uri', 'https://d.example/cb', '--json']
      const made = await cli([
        ...create,
        '--scopes',
        'openid read_user',
        '--default-scopes',
        'read_user',
        '--database-url',
        source,
      ])
      const clientId = JSON.parse(made.stdout).client_id as string
      expect((await cli(['export', '--database-url', source, '--to', file])).code).toBe(0)
      expect((await cli(['import', '--database-url', target, '--from', file])).code).toBe(0)
      const shown = await cli(['app', 'show', clientId, '--database-url', target, '--json'])
      expect(JSON.parse(shown.stdout).default_scopes).toEqual(['read_user'])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
