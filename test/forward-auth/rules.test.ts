/**
 * Issue 16, forward-auth rules: the file is validated once at start-up with errors naming the rule and
 * field; the first matching rule decides, and nothing matching means refused. The session cookie's
 * Domain setting, which browser forward auth on other hosts needs.
 */
import { describe, expect, test } from 'bun:test'
import { SERVER_HELP } from '../../src/cli/common.ts'
import { ConfigError, loadConfig } from '../../src/config.ts'
import { allowedReturnUrl, findRule, parseForwardAuthRules } from '../../src/forward-auth-rules.ts'
import { Browser } from '../helpers/browser.ts'
import { startServer } from '../helpers/server.ts'
import { RULES } from './support.ts'

/** loadConfig with the rules file's text served from memory. */
function configWith(rules: string | undefined, flags: Record<string, unknown> = {}) {
  return loadConfig({
    flags: { 'forward-auth-rules': 'rules.json', ...flags },
    env: {},
    readFile: (path) => {
      if (rules === undefined) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' })
      expect(path).toBe('rules.json')
      return rules
    },
  })
}

function problem(rules: unknown): string {
  try {
    configWith(typeof rules === 'string' ? rules : JSON.stringify(rules))
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError)
    return (e as Error).message
  }
  throw new Error('the rules were accepted')
}

describe('issue 16: the rules file is checked at start-up', () => {
  test('a valid file is read into the configuration', () => {
    const config = configWith(JSON.stringify(RULES))
    expect(config.forwardAuth?.rules).toHaveLength(RULES.rules.length)
    expect(config.forwardAuth?.rules[0]?.path).toBeInstanceOf(RegExp)
  })

  test('without the setting the feature is off', () => {
    expect(loadConfig({ flags: {}, env: {} }).forwardAuth).toBeUndefined()
  })

  test.each([
    [
      'not JSON',
      '{rules: [',
      /forward-auth rules file rules\.json \(--forward-auth-rules \/ LATCHKEY_FORWARD_AUTH_RULES\): is not JSON/,
    ],
    ['no rules', { rules: [] }, /rules: must hold at least one rule/],
    [
      'a bad regular expression',
      { rules: [{ host: 'a.example', path: '^/(' }] },
      /rules\[0\]\.path: is not a valid regular expression/,
    ],
    [
      'a typo in a field',
      { rules: [RULES.rules[4], { host: 'a.example', path: '^/', group: ['x'] }] },
      /rules\[1\]: unknown field\(s\) group/,
    ],
    [
      'a host with a scheme',
      { rules: [{ host: 'https://a.example', path: '^/' }] },
      /rules\[0\]\.host: must be a host name or \*\.suffix/,
    ],
    ['a host with a port', { rules: [{ host: 'a.example:443', path: '^/' }] }, /rules\[0\]\.host/],
    ['a bare wildcard', { rules: [{ host: '*', path: '^/' }] }, /rules\[0\]\.host/],
    [
      'groups not a list',
      { rules: [{ host: 'a.example', path: '^/', groups: 'team' }] },
      /rules\[0\]\.groups: must be a list/,
    ],
    [
      'an empty scope list',
      { rules: [{ host: 'a.example', path: '^/', scopes: [] }] },
      /rules\[0\]\.scopes: must name at least one scope/,
    ],
    [
      'a public rule with groups',
      { rules: [{ host: 'a.example', path: '^/', public: true, groups: ['x'] }] },
      /rules\[0\]: a public rule lets anyone through/,
    ],
    [
      'a method that is not one',
      { rules: [{ host: 'a.example', path: '^/', methods: ['GET /'] }] },
      /rules\[0\]\.methods\[0\]: must be HTTP methods/,
    ],
    ['a missing path', { rules: [{ host: 'a.example' }] }, /rules\[0\]\.path: must be string/],
  ])('%s is named with its rule and field', (_name, rules, expected) => {
    expect(problem(rules)).toMatch(expected)
  })

  test('a missing file is said in words', () => {
    expect(() => configWith(undefined)).toThrow(/cannot read the forward-auth rules file rules\.json .*no such file/)
  })

  test('serve --help lists both settings, and says the endpoints are off without rules', () => {
    expect(SERVER_HELP).toContain('--forward-auth-rules')
    expect(SERVER_HELP).toContain('LATCHKEY_FORWARD_AUTH_RULES')
    expect(SERVER_HELP).toContain('endpoints answer 404')
    expect(SERVER_HELP).toContain('--session-cookie-domain')
  })
})

describe('issue 16: the first rule matching host, path and method decides', () => {
  const { rules } = parseForwardAuthRules(
    JSON.stringify({
      rules: [
        { host: 'a.example', path: '^/open/', public: true },
        { host: 'a.example', path: '^/', methods: ['get'], groups: ['readers'] },
        { host: 'a.example', path: '^/', groups: ['writers'] },
        { host: '*.b.example', path: '^/x\\?y=1$' },
      ],
    }),
    'rules.json',
  )
  const match = (host: string, target: string, method = 'GET') =>
    rules.indexOf(findRule(rules, { host, target, method })!)

  test('earlier rules win over later ones that also match', () => {
    expect(match('a.example', '/open/file')).toBe(0)
    expect(match('a.example', '/open/file', 'POST')).toBe(0)
    expect(match('a.example', '/closed', 'GET')).toBe(1)
    expect(match('a.example', '/closed', 'POST')).toBe(2)
  })

  test('the path is matched with its query; wildcards need a label before the suffix', () => {
    expect(match('c.b.example', '/x?y=1')).toBe(3)
    expect(match('c.b.example', '/x?y=2')).toBe(-1)
    expect(match('b.example', '/x?y=1')).toBe(-1)
    expect(match('cb.example', '/x?y=1')).toBe(-1)
  })

  test('deny by default: nothing matches an unnamed host', () => {
    expect(findRule(rules, { host: 'z.example', target: '/', method: 'GET' })).toBeUndefined()
  })

  test('RFC 9700 §4.11: with an https issuer only https pages are returned to', () => {
    expect(allowedReturnUrl('https://a.example/p', rules, 'https://id.example')?.href).toBe('https://a.example/p')
    expect(allowedReturnUrl('http://a.example/p', rules, 'https://id.example')).toBeUndefined()
    expect(allowedReturnUrl('http://a.example/p', rules, 'http://id.example')?.href).toBe('http://a.example/p')
    expect(allowedReturnUrl('HTTPS://A.EXAMPLE/p', rules, 'https://id.example')?.href).toBe('https://a.example/p')
  })
})

describe('issue 16: --session-cookie-domain', () => {
  test('off by default: the session cookie is host-only', async () => {
    await using server = await startServer()
    await server.provider.services.users.create({ username: 'carol', password: 'correct horse battery staple' })
    const res = await new Browser(server.url).login('carol')
    expect(res.headers.getSetCookie().find((c) => c.startsWith('latchkey_session='))).not.toContain('Domain=')
  })

  test('when set, the session cookie (only) carries the Domain, so hosts under it receive it', async () => {
    await using server = await startServer({
      config: { issuer: 'https://id.example.com', sessionCookieDomain: 'Example.com' },
    })
    await server.provider.services.users.create({ username: 'carol', password: 'correct horse battery staple' })
    const browser = new Browser(server.url)
    const res = await browser.login('carol')
    const cookies = res.headers.getSetCookie()
    expect(cookies.find((c) => c.startsWith('latchkey_session='))).toContain('; Domain=example.com;')
    const logout = await browser.get('/logout')
    const form = /name="csrf_token" value="([^"]+)"/.exec(await logout.text())![1]!
    const out = await browser.post('/logout', { csrf_token: form })
    expect(out.headers.getSetCookie().find((c) => c.startsWith('latchkey_session='))).toContain('Domain=example.com')
  })

  test('a Domain that does not cover the issuer’s host is refused at start-up', () => {
    expect(() =>
      loadConfig({ flags: { issuer: 'https://id.example.org', 'session-cookie-domain': 'example.com' }, env: {} }),
    ).toThrow(/--session-cookie-domain \/ LATCHKEY_SESSION_COOKIE_DOMAIN: the issuer's host must be/)
    expect(() => loadConfig({ flags: { 'session-cookie-domain': '.example.com' }, env: {} })).toThrow(ConfigError)
  })
})
