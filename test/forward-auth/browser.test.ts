/**
 * Issue 16, forward auth for browsers: the Latchkey session passes, a browser without one is sent to
 * sign in and brought back, and the way back is never an open redirect (RFC 9700 §4.11).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { Browser } from '../helpers/browser.ts'
import type { Env } from '../helpers/flows.ts'
import { ask, FETCH, setupForwardAuth } from './support.ts'

const HTML = 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8'

let env: Env
let browser: Browser
let cookie: string
beforeAll(async () => {
  env = await setupForwardAuth()
  browser = new Browser(env.server.url)
  expect((await browser.login()).status).toBe(303)
  cookie = `latchkey_session=${browser.cookies.get('latchkey_session')}`
})
afterAll(async () => {
  await env.server[Symbol.asyncDispose]()
})

describe('issue 16: the browser’s Latchkey session', () => {
  test('passes a rule without scopes; Remote-Scopes is empty for a session', async () => {
    const res = await ask(env, { url: 'http://wiki.example.com/page', headers: { Cookie: `a=b; ${cookie}` } })
    expect(res.status).toBe(200)
    expect(res.headers.get('remote-user')).toBe('alice')
    expect(res.headers.get('remote-scopes')).toBe('')
  })

  test('RFC 6750 §3.1: holds no scopes, so a rule naming scopes refuses it with insufficient_scope', async () => {
    const res = await ask(env, { url: FETCH, headers: { Cookie: cookie } })
    expect(res.status).toBe(403)
    expect(res.headers.get('www-authenticate')).toContain('error="insufficient_scope"')
  })

  test('an Authorization header wins over the cookie: a bad token is not rescued by the session', async () => {
    const res = await ask(env, {
      url: 'http://wiki.example.com/page',
      headers: { Cookie: cookie, Authorization: 'Bearer lkat_nothing' },
    })
    expect(res.status).toBe(401)
  })
})

describe('issue 16: a browser without a session', () => {
  test('/forward-auth sends it to sign in, coming back through /forward-auth/return', async () => {
    const res = await ask(env, {
      path: '/forward-auth',
      url: 'http://wiki.example.com/a?b=c',
      headers: { Accept: HTML },
    })
    expect(res.status).toBe(302)
    const location = new URL(res.headers.get('location')!)
    expect(location.origin).toBe(env.server.url)
    expect(location.pathname).toBe('/login')
    expect(location.searchParams.get('return_to')).toBe(
      `/forward-auth/return?url=${encodeURIComponent('http://wiki.example.com/a?b=c')}`,
    )
  })

  test('nginx’s endpoint never redirects (auth_request honours only 2xx, 401, 403): 401', async () => {
    const res = await ask(env, { url: 'http://wiki.example.com/a', headers: { Accept: HTML } })
    expect(res.status).toBe(401)
  })

  test('API clients, and browsers on a rule that needs scopes, get 401 rather than a sign-in page', async () => {
    for (const [url, accept] of [
      ['http://wiki.example.com/a', 'application/json'],
      ['http://wiki.example.com/a', '*/*'],
      [FETCH, HTML],
    ] as const) {
      const res = await ask(env, { path: '/forward-auth', url, headers: { Accept: accept } })
      expect(res.status).toBe(401)
    }
  })

  test('signing in ends back on the page first asked for', async () => {
    const fresh = new Browser(env.server.url)
    const first = await ask(env, {
      path: '/forward-auth',
      url: 'http://wiki.example.com/a?b=c',
      headers: { Accept: HTML },
    })
    const returnTo = new URL(first.headers.get('location')!).searchParams.get('return_to')!
    const signedIn = await fresh.login('alice', undefined, returnTo)
    expect(signedIn.headers.get('location')).toBe(returnTo)
    const back = await fresh.get(returnTo)
    expect(back.status).toBe(303)
    expect(back.headers.get('location')).toBe('http://wiki.example.com/a?b=c')
  })

  test('the way back asks a browser without a session to sign in first', async () => {
    const res = await new Browser(env.server.url).get('/forward-auth/return?url=http%3A%2F%2Fwiki.example.com%2F')
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toStartWith('/login?return_to=%2Fforward-auth%2Freturn')
  })
})

describe('issue 16 / RFC 9700 §4.11: /forward-auth/return is never an open redirect', () => {
  test.each([
    ['another host', 'https://evil.example/'],
    ['a host only ending like a rule host', 'http://evilgit.example.com/'],
    ['a rule host as a subdomain of an evil one', 'http://git.example.com.evil.example/'],
    ['the apex of a wildcard rule', 'http://apps.example.com/'],
    ['scheme-relative', '//evil.example/'],
    ['a path', '/somewhere'],
    ['userinfo naming a rule host', 'http://git.example.com@evil.example/'],
    ['userinfo on a rule host', 'http://user:pw@git.example.com/'],
    ['a backslash', 'http://evil.example\\@git.example.com/'],
    ['backslashes for slashes', 'http:\\\\git.example.com\\'],
    ['a missing //', 'http:git.example.com/'],
    ['a homograph (Cyrillic і)', 'http://gіt.example.com/'],
    ['a fullwidth dot', 'http://git.example．com/'],
    ['a tab inside', 'http://git.exa\tmple.com/'],
    ['a newline', 'http://git.example.com/\r\nLocation: http://evil.example/'],
    ['javascript:', 'javascript:alert(1)//git.example.com'],
    ['data:', 'data:text/html,git.example.com'],
    ['a host after a fragment', 'http://evil.example/#@git.example.com'],
    ['nothing', ''],
  ])('%s is refused', async (_name, url) => {
    const res = await browser.get(`/forward-auth/return?url=${encodeURIComponent(url)}`)
    expect(res.status).toBe(400)
    expect(res.headers.get('location')).toBeNull()
    expect(res.headers.get('content-type')).toContain('text/html')
  })

  test('a host a rule names, at any depth of a wildcard, with a port and query, is returned to', async () => {
    for (const url of ['http://wiki.example.com/', 'http://a.b.apps.example.com:8443/x?y=z']) {
      const res = await browser.get(`/forward-auth/return?url=${encodeURIComponent(url)}`)
      expect(res.status).toBe(303)
      expect(res.headers.get('location')).toBe(url)
    }
  })
})
