/**
 * Issue 18: the CLI side of client registration: `registration-token create|list|revoke`, scopes open
 * to self-registration, and the consent-page links an administrator gives an application.
 */
import { describe, expect, test } from 'bun:test'
import { startCliServer } from '../helpers/cli.ts'

describe('issue 18: latchkey registration-token', () => {
  test('create prints the token once; list shows its hint and uses, never the value; revoke ends it', async () => {
    await using lk = await startCliServer()
    const made = await lk.run([
      'registration-token',
      'create',
      '--expires-in',
      '12h',
      '--uses',
      '3',
      '--scopes',
      'openid profile',
      '--grant-types',
      'authorization_code,refresh_token,device_code',
      '--description',
      'CI',
      '--json',
    ])
    expect(made.code).toBe(0)
    const t = made.json()
    expect(t.token).toStartWith('lkiat_')
    expect(t).toMatchObject({
      max_uses: 3,
      use_count: 0,
      state: 'active',
      scopes: ['openid', 'profile'],
      grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
      description: 'CI',
    })
    expect(t.expires_at - t.created_at).toBe(12 * 3600)
    const list = await lk.run(['registration-token', 'list', '--json'])
    expect(list.json()).toHaveLength(1)
    expect(list.stdout).not.toContain(t.token)
    expect(list.json()[0].hint).toBe(t.token.slice(-4))
    const revoked = await lk.run(['registration-token', 'revoke', t.id, '--json'])
    expect(revoked.code).toBe(0)
    expect(revoked.json().state).toBe('revoked')
  })

  test('bad values are refused naming the flag, before anything is written', async () => {
    await using lk = await startCliServer()
    const cases: Array<[string[], RegExp]> = [
      [['--expires-in', 'soon'], /--expires-in/],
      [['--expires-in', '400d'], /--expires-in.*366 days/],
      [['--uses', '0'], /--uses/],
      [['--grant-types', 'password'], /--grant-types/],
      [['--scopes', 'openid nope'], /--scopes: unknown scope\(s\): nope/],
    ]
    for (const [args, message] of cases) {
      const r = await lk.run(['registration-token', 'create', ...args])
      expect(r.code).not.toBe(0)
      expect(r.stderr).toMatch(message)
    }
    expect((await lk.run(['registration-token', 'list', '--json'])).json()).toEqual([])
  })
})

describe('issue 18: scope --self-registration and app --logo-uri', () => {
  test('a scope is opened to self-registration and closed again', async () => {
    await using lk = await startCliServer()
    const opened = await lk.run(['scope', 'update', 'openid', '--self-registration', '--json'])
    expect(opened.json()).toMatchObject({ name: 'openid', self_registration: true })
    const created = await lk.run([
      'scope',
      'create',
      '--name',
      'mcp:tools',
      '--description',
      'Use your tools',
      '--self-registration',
      '--json',
    ])
    expect(created.json().self_registration).toBe(true)
    const closed = await lk.run(['scope', 'update', 'openid', '--no-self-registration', '--json'])
    expect(closed.json().self_registration).toBe(false)
  })

  test('app create and update set and clear the consent-page links; a non-https link is refused', async () => {
    await using lk = await startCliServer()
    const created = await lk.run([
      'app',
      'create',
      '--name',
      'Docs',
      '--redirect-uri',
      'https://docs.example/cb',
      '--logo-uri',
      'https://docs.example/logo.png',
      '--client-uri',
      'https://docs.example/',
      '--policy-uri',
      'https://docs.example/privacy',
      '--contact',
      'ops@docs.example',
      '--json',
    ])
    expect(created.code).toBe(0)
    expect(created.json()).toMatchObject({
      logo_uri: 'https://docs.example/logo.png',
      client_uri: 'https://docs.example/',
      policy_uri: 'https://docs.example/privacy',
      tos_uri: null,
      contacts: ['ops@docs.example'],
      registration: 'admin',
    })
    const cleared = await lk.run(['app', 'update', created.json().client_id, '--logo-uri', '', '--json'])
    expect(cleared.json()).toMatchObject({ logo_uri: null, client_uri: 'https://docs.example/' })
    const bad = await lk.run(['app', 'update', created.json().client_id, '--logo-uri', 'javascript:alert(1)'])
    expect(bad.code).not.toBe(0)
    expect(bad.stderr).toContain('--logo-uri')
  })
})
