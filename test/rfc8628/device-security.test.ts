/** Security cases H (docs/security.md): the device flow (RFC 8628), cases 42–47, with a clock the tests move. */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { DEVICE_CODE_GRANT } from '../../src/services/applications/applications.ts'
import { Browser, formFields } from '../helpers/browser.ts'
import type { Client } from '../helpers/fixtures.ts'
import { postForm } from '../helpers/oauth.ts'
import { testClock } from '../helpers/server.ts'
import { BODIES, DIALECTS, introspect, setup, TOKEN_VARIANTS, type Env } from '../helpers/flows.ts'

interface DeviceStart {
  device_code: string
  user_code: string
  verification_uri: string
  verification_uri_complete?: string
  expires_in: number
  interval: number
}

const clock = testClock()
let env: Env
/** Public device clients of the checklist's P1/P2 kind, with the device grant enabled. */
let D1: Client
let D2: Client

async function deviceClient(e: Env, name: string): Promise<Client> {
  const { application } = await e.server.provider.services.applications.create({
    name,
    isPublic: true,
    grantTypes: [DEVICE_CODE_GRANT, 'refresh_token'],
    scopes: ['openid', 'profile', 'read_user'],
  })
  return { clientId: application.clientId, secret: null, redirectUri: '' }
}

beforeAll(async () => {
  env = await setup({ clock })
  D1 = await deviceClient(env, 'Git <credential> helper')
  D2 = await deviceClient(env, 'Other device app')
})
afterAll(async () => {
  await env.server[Symbol.asyncDispose]()
})

async function start(e = env, client = D1, scope = 'read_user', json = false): Promise<DeviceStart> {
  const res = await postForm(e.server.url, '/oauth/authorize_device', client, { scope }, { json })
  if (res.status !== 200) throw new Error(`device authorization failed: ${res.status} ${await res.text()}`)
  return (await res.json()) as DeviceStart
}

function poll(
  deviceCode: string,
  client = D1,
  opts: { e?: Env; path?: string; json?: boolean } = {},
): Promise<Response> {
  return postForm(
    (opts.e ?? env).server.url,
    opts.path ?? '/oauth/token',
    client,
    { grant_type: DEVICE_CODE_GRANT, device_code: deviceCode },
    { json: opts.json },
  )
}

async function pollError(
  deviceCode: string,
  client = D1,
  opts: { e?: Env; path?: string; json?: boolean } = {},
): Promise<string | undefined> {
  const res = await poll(deviceCode, client, opts)
  const body = (await res.json()) as { error?: string; access_token?: string }
  if (body.error) expect(res.status).toBe(400)
  return body.error ?? (body.access_token ? 'tokens' : undefined)
}

async function signedIn(e = env, username = 'alice'): Promise<Browser> {
  const browser = new Browser(e.server.url)
  expect((await browser.login(username)).status).toBe(303)
  return browser
}

/** Enters a user code on /oauth/device as a signed-in browser. */
async function enter(browser: Browser, userCode: string): Promise<{ status: number; page: string; res: Response }> {
  const entry = await (await browser.get('/oauth/device')).text()
  const res = await browser.post('/oauth/device', { ...formFields(entry), user_code: userCode })
  return { status: res.status, page: await res.text(), res }
}

/** Enters the code and presses Approve or Deny on the confirmation page. */
async function decide(browser: Browser, userCode: string, decision: 'approve' | 'deny'): Promise<Response> {
  const { status, page } = await enter(browser, userCode)
  expect(status).toBe(200)
  return browser.post('/oauth/device/decision', { ...formFields(page), decision })
}

/** The page's alert: a message about the whole page, or (issue 17) one beside the field it concerns. */
const alertText = (page: string) =>
  /<p class="(?:error|field-error)"(?: id="[^"]*")? role="alert">([^<]*)<\/p>/.exec(page)?.[1]

describe('H.42 device authorization response', () => {
  test.each(BODIES)(
    'RFC 8628 §3.1, §3.2: 200 with device_code, user_code, verification_uri, expires_in, ' +
      'interval; Cache-Control: no-store ($name body)',
    async ({ json }) => {
      const res = await postForm(env.server.url, '/oauth/authorize_device', D1, { scope: 'read_user' }, { json })
      expect(res.status).toBe(200)
      expect(res.headers.get('cache-control')).toBe('no-store')
      expect(res.headers.get('content-type')).toStartWith('application/json')
      const body = (await res.json()) as DeviceStart
      expect(Object.keys(body).sort()).toEqual([
        'device_code',
        'expires_in',
        'interval',
        'user_code',
        'verification_uri',
        'verification_uri_complete',
      ])
      expect(body.verification_uri).toBe(`${env.server.config.issuer}/oauth/device`)
      expect(body.verification_uri_complete).toStartWith(`${body.verification_uri}?user_code=`)
      expect(body.expires_in).toBeGreaterThan(0)
      expect(body.interval).toBeGreaterThanOrEqual(5)
    },
  )

  test(
    'RFC 8628 §5.2; RFC 6749 §10.10: ' +
      'device_code carries ≥ 128 random ' +
      'bits behind its prefix and never repeats',
    async () => {
      const codes = await Promise.all(Array.from({ length: 20 }, () => start(env, D2)))
      expect(new Set(codes.map((c) => c.device_code)).size).toBe(codes.length)
      for (const { device_code } of codes) {
        expect(device_code).toMatch(/^lkdc_[A-Za-z0-9_-]+$/)
        expect(Buffer.from(device_code.slice('lkdc_'.length), 'base64url').length * 8).toBeGreaterThanOrEqual(128)
      }
    },
  )

  test(
    'RFC 8628 §6.1: user_code has ≥ 8 characters from an alphabet without ambiguous characters ' +
      '(no digits, no vowels, no O/0 or I/1)',
    async () => {
      const codes = await Promise.all(Array.from({ length: 20 }, () => start(env, D2)))
      const seen = new Set<string>()
      for (const { user_code } of codes) {
        const chars = user_code.replace(/-/g, '')
        expect(chars.length).toBeGreaterThanOrEqual(8)
        expect(chars).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]+$/)
        seen.add(chars)
      }
      expect(seen.size).toBe(codes.length)
    },
  )

  test.each(BODIES)(
    'RFC 8628 §3.1; RFC 6749 §5.2: unknown client → invalid_client, grant not enabled → ' +
      'unauthorized_client, bad scope → invalid_scope ($name body)',
    async ({ json }) => {
      const url = env.server.url
      const unknown = await postForm(
        url,
        '/oauth/authorize_device',
        { clientId: 'lkc_00000000000000000000000000000000', secret: null, redirectUri: '' },
        { scope: 'read_user' },
        { json },
      )
      expect(unknown.status).toBe(401)
      expect(await unknown.json()).toMatchObject({ error: 'invalid_client' })
      for (const client of [env.f.C1, env.f.P1]) {
        const notEnabled = await postForm(url, '/oauth/authorize_device', client, { scope: 'openid' }, { json })
        expect(notEnabled.status).toBe(400)
        expect(await notEnabled.json()).toMatchObject({ error: 'unauthorized_client' })
      }
      for (const scope of ['admin', 'email', 'nope']) {
        const bad = await postForm(url, '/oauth/authorize_device', D1, { scope }, { json })
        expect(bad.status).toBe(400)
        expect(await bad.json()).toMatchObject({ error: 'invalid_scope' })
      }
    },
  )
})

describe('H.43 polling', () => {
  test.each(TOKEN_VARIANTS)(
    'RFC 8628 §3.5: a poll before the user decides → 400 authorization_pending ($label)',
    async ({ dialect, json }) => {
      const d = await start()
      expect(await pollError(d.device_code, D1, { path: dialect.token, json })).toBe('authorization_pending')
    },
  )

  test(
    'RFC 8628 §3.5: polling faster than ' +
      'interval → slow_down, and the ' +
      'interval grows by 5 s for every later poll',
    async () => {
      const d = await start()
      expect(await pollError(d.device_code)).toBe('authorization_pending')
      expect(await pollError(d.device_code)).toBe('slow_down') // the interval is now interval + 5
      clock.advance(d.interval)
      // The original interval is no longer enough; now interval + 10.
      expect(await pollError(d.device_code)).toBe('slow_down')
      clock.advance(d.interval + 10)
      expect(await pollError(d.device_code)).toBe('authorization_pending')
      clock.advance(d.interval + 5) // more than the original interval, less than the grown one
      expect(await pollError(d.device_code)).toBe('slow_down')
    },
  )
})

describe('H.44 terminal poll answers', () => {
  test('RFC 8628 §3.5: after expires_in → expired_token (and the user can no longer approve it)', async () => {
    const d = await start()
    clock.advance(d.expires_in + 1)
    expect(await pollError(d.device_code)).toBe('expired_token')
    const { status } = await enter(await signedIn(), d.user_code)
    expect(status).toBe(400)
  })

  test('RFC 8628 §3.5: the user denied → access_denied', async () => {
    const d = await start()
    expect((await decide(await signedIn(), d.user_code, 'deny')).status).toBe(200)
    clock.advance(d.interval)
    expect(await pollError(d.device_code)).toBe('access_denied')
  })

  test.each(DIALECTS)(
    'RFC 8628 §3.5; oidc-provider "already used": tokens once, then the same device_code → invalid_grant ($name)',
    async (dialect) => {
      const d = await start(env, D1, 'openid read_user')
      expect((await decide(await signedIn(), d.user_code, 'approve')).status).toBe(200)
      clock.advance(d.interval)
      const ok = await poll(d.device_code, D1, { path: dialect.token })
      expect(ok.status).toBe(200)
      expect(ok.headers.get('cache-control')).toBe('no-store')
      const tokens = (await ok.json()) as { access_token: string; scope: string }
      expect(tokens.scope).toBe('openid read_user')
      clock.advance(d.interval)
      expect(await pollError(d.device_code, D1, { path: dialect.token })).toBe('invalid_grant')
      // the tokens are still the user's: a second use does not mint, and does not break the first
      expect(await introspect(env, tokens.access_token)).toMatchObject({ active: true, sub: env.f.alice.id })
    },
  )

  test(
    'RFC 8628 §3.4; oidc-provider "code belongs to client": P1\'s device_code polled as P2 → ' +
      'invalid_grant, before and after approval',
    async () => {
      const d = await start(env, D1)
      expect(await pollError(d.device_code, D2)).toBe('invalid_grant')
      await decide(await signedIn(), d.user_code, 'approve')
      clock.advance(d.interval)
      expect(await pollError(d.device_code, D2)).toBe('invalid_grant')
      // and the owner still gets its tokens
      expect(await pollError(d.device_code, D1)).toBe('tokens')
    },
  )
})

describe('H.45 user-code entry', () => {
  test('RFC 8628 §6.1: abcd-efgh, ABCDEFGH and abcd efgh forms of a code all match', async () => {
    const browser = await signedIn()
    const forms = [
      (c: string) => c.toLowerCase(),
      (c: string) => c.replace('-', ''),
      (c: string) => c.replace('-', ' ').toLowerCase(),
      (c: string) => ` ${c} `,
    ]
    for (const variant of forms) {
      const d = await start()
      const { status, page } = await enter(browser, variant(d.user_code))
      expect({ code: variant(d.user_code), status }).toEqual({ code: variant(d.user_code), status: 200 })
      expect(page).toContain('/oauth/device/decision')
    }
  })

  test(
    'RFC 8628 §5.1; Keycloak issue 51275: ≥ 10 wrong codes from one source → 429 with ' +
      'Retry-After, even for a right code',
    async () => {
      const own = await setup()
      await using _ = own.server
      const client = await deviceClient(own, 'Dev')
      const browser = await signedIn(own)
      for (let i = 0; i < 10; i++) expect((await enter(browser, `BBBB-BBB${'CDFGHJKLMN'[i]}`)).status).toBe(400)
      const d = await start(own, client)
      const limited = await enter(browser, d.user_code)
      expect(limited.status).toBe(429)
      expect(Number(limited.res.headers.get('retry-after'))).toBeGreaterThan(0)
      expect(limited.page).not.toContain('/oauth/device/decision')
      // another signed-in user at the same address is held back too: the limit is per source, not per account
      expect((await enter(await signedIn(own, 'bob'), d.user_code)).status).toBe(429)
    },
  )

  test(
    'element-hq MAS PR 5972: the error for a wrong code never tells whether it exists (never ' +
      'issued, expired, used, denied, malformed)',
    async () => {
      const own = await setup({ clock })
      await using _ = own.server
      const client = await deviceClient(own, 'Dev')
      const browser = await signedIn(own)
      const expired = await start(own, client)
      clock.advance(expired.expires_in + 1)
      const used = await start(own, client)
      await decide(browser, used.user_code, 'approve')
      const denied = await start(own, client)
      await decide(browser, denied.user_code, 'deny')
      const answers = []
      for (const code of ['BBBB-BBBB', expired.user_code, used.user_code, denied.user_code, 'AAAA-0000', '']) {
        const { status, page } = await enter(browser, code)
        answers.push({ status, message: alertText(page) })
      }
      expect(answers[0]!.status).toBe(400)
      expect(answers[0]!.message).toBeString()
      for (const a of answers) expect(a).toEqual(answers[0]!)
    },
  )
})

describe('H.46 verification page', () => {
  test('RFC 8628 §3.3: entry and decision need a signed-in user; else → login, nothing approved', async () => {
    const d = await start()
    const anon = new Browser(env.server.url)
    for (const path of ['/oauth/device', `/oauth/device?user_code=${d.user_code}`]) {
      const res = await anon.get(path)
      expect(res.status).toBe(303)
      expect(res.headers.get('location')).toStartWith('/login?return_to=')
    }
    expect((await anon.post('/oauth/device', { user_code: d.user_code })).status).toBe(403)
    expect((await anon.post('/oauth/device/decision', { user_code: d.user_code, decision: 'approve' })).status).toBe(
      403,
    )
    clock.advance(d.interval)
    expect(await pollError(d.device_code)).toBe('authorization_pending')
  })

  test(
    'RFC 8628 §3.3.1, §5.4: the confirmation names the client (escaped), the requested scopes ' +
      'and warns against remote phishing',
    async () => {
      const d = await start(env, D1, 'openid read_user')
      const { status, page } = await enter(await signedIn(), d.user_code)
      expect(status).toBe(200)
      expect(page).toContain('Git &lt;credential&gt; helper')
      expect(page).not.toContain('Git <credential> helper')
      expect(page).toContain('read_user')
      expect(page).toContain('openid')
      expect(page).not.toContain('<code>profile</code>')
      expect(page).toMatch(/Only continue if you started this on your own device/)
      expect(page).toContain(d.user_code)
    },
  )

  test(
    'RFC 8628 §3.3.1, §5.4: verification_uri_complete only pre-fills; a GET of the decision ' +
      'URL approves nothing; approval needs the POST',
    async () => {
      const d = await start()
      const browser = await signedIn()
      const prefilled = await browser.get(
        new URL(d.verification_uri_complete!).pathname + new URL(d.verification_uri_complete!).search,
      )
      expect(prefilled.status).toBe(200)
      const page = await prefilled.text()
      expect(page).toContain(`value="${d.user_code}"`)
      expect(page).not.toContain('/oauth/device/decision')
      const sneaky = await browser.get(
        `/oauth/device/decision?user_code=${d.user_code}&decision=approve&csrf_token=${formFields(page).csrf_token}`,
      )
      expect(sneaky.status).toBeGreaterThanOrEqual(400)
      clock.advance(d.interval)
      expect(await pollError(d.device_code)).toBe('authorization_pending')
      expect((await decide(browser, d.user_code, 'approve')).status).toBe(200)
      clock.advance(d.interval)
      expect(await pollError(d.device_code)).toBe('tokens')
    },
  )
})

describe('H.47 single use and the user behind it', () => {
  test.each(['approve', 'deny'] as const)(
    'RFC 8628 §3.3: a user_code is single-use: after %s, entering or deciding it again is an ' +
      'error and changes nothing',
    async (first) => {
      const d = await start()
      const browser = await signedIn()
      const { page } = await enter(browser, d.user_code)
      const fields = formFields(page)
      expect((await browser.post('/oauth/device/decision', { ...fields, decision: first })).status).toBe(200)
      expect((await enter(browser, d.user_code)).status).toBe(400)
      const flip = first === 'approve' ? 'deny' : 'approve'
      expect((await browser.post('/oauth/device/decision', { ...fields, decision: flip })).status).toBe(400)
      // bob, in another browser, cannot take it over either
      expect(
        (await (await signedIn(env, 'bob')).post('/oauth/device/decision', { ...fields, decision: flip })).status,
      ).toBe(403)
      clock.advance(d.interval)
      expect(await pollError(d.device_code)).toBe(first === 'approve' ? 'tokens' : 'access_denied')
    },
  )

  test(
    'RFC 8628 §3.3; Keycloak CVE-2026-88770: the user disabled after approving → the poll gets ' +
      'access_denied, never tokens',
    async () => {
      const own = await setup({ clock })
      await using _ = own.server
      const client = await deviceClient(own, 'Dev')
      const d = await start(own, client)
      expect((await decide(await signedIn(own), d.user_code, 'approve')).status).toBe(200)
      await own.server.provider.services.users.disable('alice')
      clock.advance(d.interval)
      const error = await pollError(d.device_code, client, { e: own })
      expect(['access_denied', 'invalid_grant']).toContain(error!)
      clock.advance(d.interval)
      expect(await pollError(d.device_code, client, { e: own })).not.toBe('tokens')
    },
  )
})
