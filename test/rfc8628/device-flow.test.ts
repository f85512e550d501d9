import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { DEVICE_CODE_GRANT } from '../../src/services/applications/applications.ts'
import { Browser, formFields } from '../helpers/browser.ts'
import type { Client } from '../helpers/fixtures.ts'
import { seed } from '../helpers/fixtures.ts'
import { postForm } from '../helpers/oauth.ts'
import { startServer, testClock, type TestServer } from '../helpers/server.ts'

const clock = testClock()
let server: TestServer
let D1: Client
let D2: Client
let C1: Client

beforeAll(async () => {
  server = await startServer({ clock })
  const services = server.provider.services
  const f = await seed(services)
  C1 = f.C1
  const mk = async (name: string) => {
    const { application } = await services.applications.create({
      name,
      isPublic: true,
      grantTypes: [DEVICE_CODE_GRANT, 'refresh_token'],
      scopes: ['openid', 'profile', 'read_user'],
    })
    return { clientId: application.clientId, secret: null, redirectUri: '' }
  }
  D1 = await mk('Git credential helper')
  D2 = await mk('Other device app')
})
afterAll(() => server[Symbol.asyncDispose]())

async function startDevice(client = D1, scope = 'read_user') {
  const res = await postForm(server.url, '/oauth/authorize_device', client, { scope })
  expect(res.status).toBe(200)
  return (await res.json()) as {
    device_code: string
    user_code: string
    verification_uri: string
    verification_uri_complete: string
    expires_in: number
    interval: number
  }
}

const poll = (deviceCode: string, client = D1) =>
  postForm(server.url, '/oauth/token', client, { grant_type: DEVICE_CODE_GRANT, device_code: deviceCode })

/** Signs in, enters the code on /oauth/device and returns the confirmation page's form fields. */
async function enterCode(browser: Browser, userCode: string): Promise<{ status: number; page: string }> {
  if (!browser.cookies.has('latchkey_session')) await browser.login()
  const entry = await (await browser.get('/oauth/device')).text()
  const res = await browser.post('/oauth/device', { ...formFields(entry), user_code: userCode })
  return { status: res.status, page: await res.text() }
}

async function decide(browser: Browser, userCode: string, decision: 'approve' | 'deny') {
  const { page } = await enterCode(browser, userCode)
  return browser.post('/oauth/device/decision', { ...formFields(page), decision })
}

describe('RFC 8628 §3.1–3.2 device authorization request', () => {
  test('§3.2 returns device_code, user_code, verification URIs, expires_in 300, interval 5; not cached', async () => {
    const res = await postForm(server.url, '/oauth/authorize_device', D1, { scope: 'read_user' })
    expect(res.headers.get('cache-control')).toBe('no-store')
    const body = (await res.json()) as Record<string, unknown>
    expect(body).toMatchObject({
      verification_uri: `${server.config.issuer}/oauth/device`,
      expires_in: 300,
      interval: 5,
    })
    expect(body.device_code).toStartWith('lkdc_')
    expect(body.user_code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/)
    expect(body.verification_uri_complete).toBe(`${server.config.issuer}/oauth/device?user_code=${body.user_code}`)
  })

  test('§6.1 user codes avoid ambiguous characters (no 0/O, 1/I) and do not repeat', async () => {
    const codes = new Set<string>()
    for (let i = 0; i < 12; i++) codes.add((await startDevice(D2)).user_code)
    expect(codes.size).toBe(12)
    for (const c of codes) expect(c).not.toMatch(/[01OIAEUY]/)
  })

  test(
    '§3.1 unknown client → ' +
      'invalid_client; grant not enabled ' +
      '→ unauthorized_client; bad scope → invalid_scope',
    async () => {
      expect(
        await (
          await postForm(server.url, '/oauth/authorize_device', { clientId: 'nope', secret: null, redirectUri: '' }, {})
        ).json(),
      ).toMatchObject({ error: 'invalid_client' })
      const notEnabled = await postForm(server.url, '/oauth/authorize_device', C1, { scope: 'openid' })
      expect(notEnabled.status).toBe(400)
      expect(await notEnabled.json()).toMatchObject({ error: 'unauthorized_client' })
      expect(
        await (await postForm(server.url, '/oauth/authorize_device', D1, { scope: 'admin' })).json(),
      ).toMatchObject({
        error: 'invalid_scope',
      })
    },
  )
})

describe('RFC 8628 §3.4–3.5 polling the token endpoint', () => {
  test('§3.5 authorization_pending before a decision, then tokens exactly once after approval', async () => {
    const d = await startDevice(D1, 'openid read_user')
    const pending = await poll(d.device_code)
    expect(pending.status).toBe(400)
    expect(await pending.json()).toMatchObject({ error: 'authorization_pending' })
    expect((await decide(new Browser(server.url), d.user_code, 'approve')).status).toBe(200)
    clock.advance(d.interval)
    const ok = await poll(d.device_code)
    expect(ok.status).toBe(200)
    const tokens = (await ok.json()) as Record<string, string>
    expect(tokens.access_token).toStartWith('lkat_')
    expect(tokens.refresh_token).toStartWith('lkrt_')
    expect(tokens.id_token).toBeString()
    expect(tokens.scope).toBe('openid read_user')
    clock.advance(d.interval)
    expect(await (await poll(d.device_code)).json()).toMatchObject({ error: 'invalid_grant' })
  })

  test('§3.5 slow_down when polled faster than the interval, which then grows by 5 s for later polls', async () => {
    const d = await startDevice()
    expect(await (await poll(d.device_code)).json()).toMatchObject({ error: 'authorization_pending' })
    expect(await (await poll(d.device_code)).json()).toMatchObject({ error: 'slow_down' })
    clock.advance(d.interval + 1) // 6 s: enough for the old 5 s interval, not for the new 10 s
    expect(await (await poll(d.device_code)).json()).toMatchObject({ error: 'slow_down' })
    clock.advance(15) // the interval is now 15 s
    expect(await (await poll(d.device_code)).json()).toMatchObject({ error: 'authorization_pending' })
  })

  test('§3.5 expired_token after expires_in', async () => {
    const d = await startDevice()
    clock.advance(d.expires_in + 1)
    expect(await (await poll(d.device_code)).json()).toMatchObject({ error: 'expired_token' })
  })

  test('§3.5 access_denied after the user denies', async () => {
    const d = await startDevice()
    expect((await decide(new Browser(server.url), d.user_code, 'deny')).status).toBe(200)
    clock.advance(d.interval)
    expect(await (await poll(d.device_code)).json()).toMatchObject({ error: 'access_denied' })
  })

  test('§3.4 device_code polled by another client → invalid_grant (oidc-provider: belongs to client)', async () => {
    const d = await startDevice()
    expect(await (await poll(d.device_code, D2)).json()).toMatchObject({ error: 'invalid_grant' })
  })
})

describe('RFC 8628 §3.3 and §5 the verification page', () => {
  test('§3.3 requires a signed-in user; verification_uri_complete only pre-fills the form', async () => {
    const d = await startDevice()
    const browser = new Browser(server.url)
    const anon = await browser.get(`/oauth/device?user_code=${d.user_code}`)
    expect(anon.status).toBe(303)
    expect(anon.headers.get('location')).toStartWith('/login?return_to=')
    await browser.login()
    const page = await (await browser.get(`/oauth/device?user_code=${d.user_code}`)).text()
    expect(page).toContain(`value="${d.user_code}"`)
    clock.advance(d.interval)
    expect(await (await poll(d.device_code)).json()).toMatchObject({ error: 'authorization_pending' })
  })

  test(
    '§6.1 entry is case-, dash- and space-insensitive; the page names the application and ' +
      'scopes with a phishing notice',
    async () => {
      for (const variant of [
        (c: string) => c.toLowerCase(),
        (c: string) => c.replace('-', ''),
        (c: string) => c.replace('-', ' ').toLowerCase(),
      ]) {
        const d = await startDevice()
        const { status, page } = await enterCode(new Browser(server.url), variant(d.user_code))
        expect(status).toBe(200)
        expect(page).toContain('Git credential helper')
        expect(page).toContain('read_user')
        expect(page).toContain('Only continue if you started this on your own device')
      }
    },
  )

  test('§5.1 a wrong code says so without revealing if it exists; a used code is refused the same way', async () => {
    const browser = new Browser(server.url)
    const wrong = await enterCode(browser, 'BBBB-BBBB')
    expect(wrong.status).toBe(400)
    const d = await startDevice()
    await decide(browser, d.user_code, 'approve')
    const reused = await enterCode(browser, d.user_code)
    expect(reused.status).toBe(400)
    // Issue 17: the message stands beside the code field.
    const message = (p: string) => /<p class="field-error" id="user_code-error" role="alert">([^<]*)<\/p>/.exec(p)?.[1]
    expect(message(wrong.page)).toBeString()
    expect(message(reused.page)).toBe(message(wrong.page)!)
  })

  test('§5.1 ten wrong codes from one address → 429 with Retry-After, even for a right code', async () => {
    await using own = await startServer()
    await seed(own.provider.services)
    const { application } = await own.provider.services.applications.create({
      name: 'Dev',
      isPublic: true,
      grantTypes: [DEVICE_CODE_GRANT],
      scopes: ['read_user'],
    })
    const browser = new Browser(own.url)
    await browser.login()
    const entry = formFields(await (await browser.get('/oauth/device')).text())
    for (let i = 0; i < 10; i++)
      expect((await browser.post('/oauth/device', { ...entry, user_code: 'BBBB-BBB' + 'CDFGHJKLMN'[i] })).status).toBe(
        400,
      )
    const d = (await (
      await postForm(
        own.url,
        '/oauth/authorize_device',
        { clientId: application.clientId, secret: null, redirectUri: '' },
        { scope: 'read_user' },
      )
    ).json()) as { user_code: string }
    const limited = await browser.post('/oauth/device', { ...entry, user_code: d.user_code })
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
  })

  test('RFC 6749 §10.12: the decision POST without a valid CSRF token is refused and approves nothing', async () => {
    const d = await startDevice()
    const browser = new Browser(server.url)
    await browser.login()
    const res = await browser.post('/oauth/device/decision', {
      user_code: d.user_code,
      decision: 'approve',
      csrf_token: 'forged',
    })
    expect(res.status).toBe(403)
    clock.advance(d.interval)
    expect(await (await poll(d.device_code)).json()).toMatchObject({ error: 'authorization_pending' })
  })

  test('Keycloak CVE-2026-88770: a user disabled after approving gets access_denied, not tokens', async () => {
    await using own = await startServer()
    const services = own.provider.services
    await seed(services)
    const { application } = await services.applications.create({
      name: 'Dev',
      isPublic: true,
      grantTypes: [DEVICE_CODE_GRANT],
      scopes: ['read_user'],
    })
    const client = { clientId: application.clientId, secret: null, redirectUri: '' }
    const d = (await (await postForm(own.url, '/oauth/authorize_device', client, { scope: 'read_user' })).json()) as {
      device_code: string
      user_code: string
    }
    const browser = new Browser(own.url)
    await browser.login()
    const page = await (
      await browser.post('/oauth/device', {
        ...formFields(await (await browser.get('/oauth/device')).text()),
        user_code: d.user_code,
      })
    ).text()
    await browser.post('/oauth/device/decision', { ...formFields(page), decision: 'approve' })
    await services.users.disable('alice')
    const res = await postForm(own.url, '/oauth/token', client, {
      grant_type: DEVICE_CODE_GRANT,
      device_code: d.device_code,
    })
    expect(await res.json()).toMatchObject({ error: 'access_denied' })
  })
})

describe('RFC 8628 §5.2: device authorizations are rate-limited per client and address', () => {
  test('a flood of device authorizations from one client and address gets 429 with Retry-After', async () => {
    await using own = await startServer()
    const { application } = await own.provider.services.applications.create({
      name: 'Flood',
      isPublic: true,
      grantTypes: [DEVICE_CODE_GRANT],
      scopes: ['read_user'],
    })
    const client = { clientId: application.clientId, secret: null, redirectUri: '' }
    const statuses: number[] = []
    for (let i = 0; i < 61; i++)
      statuses.push((await postForm(own.url, '/oauth/authorize_device', client, { scope: 'read_user' })).status)
    expect(statuses.slice(0, 60).every((s) => s === 200)).toBe(true)
    const limited = await postForm(own.url, '/oauth/authorize_device', client, { scope: 'read_user' })
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
  })
})

describe('OIDC Discovery: the device endpoint is advertised', () => {
  test('RFC 8628 §4: device_authorization_endpoint and the grant type are in the metadata', async () => {
    const meta = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >
    expect(meta.device_authorization_endpoint).toBe(`${server.config.issuer}/oauth/authorize_device`)
    expect(meta.grant_types_supported).toContain(DEVICE_CODE_GRANT)
  })
})

describe('issue 14 §3: a device approval is a grant like any other', () => {
  test(
    'it appears on /account/applications, and revoking it there kills the device tokens and ' +
      'any approval not yet redeemed',
    async () => {
      const browser = new Browser(server.url)
      const d = await startDevice(D2, 'read_user')
      await decide(browser, d.user_code, 'approve')
      clock.advance(d.interval)
      const tokens = (await (await poll(d.device_code, D2)).json()) as { access_token: string; refresh_token: string }
      const pending = await startDevice(D2, 'read_user')
      await decide(browser, pending.user_code, 'approve')
      const list = await (await browser.get('/account/applications')).text()
      expect(list).toContain('Other device app')
      const form = /<form method="post" action="\/account\/applications\/revoke">(.*?)<\/form>/s.exec(
        list.slice(list.indexOf('Other device app')),
      )![1]!
      const revoked = await browser.post('/account/applications/revoke', formFields(form))
      expect(await revoked.text()).toContain('Access revoked')
      expect(await browser.get('/account/applications').then((r) => r.text())).not.toContain('Other device app')
      const info = await fetch(`${server.url}/oauth/token/info`, {
        headers: { Authorization: `Bearer ${tokens.access_token}` },
      })
      expect(info.status).toBe(401)
      const refresh = await postForm(server.url, '/oauth/token', D2, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
      })
      expect(await refresh.json()).toMatchObject({ error: 'invalid_grant' })
      clock.advance(pending.interval)
      expect(await (await poll(pending.device_code, D2)).json()).toMatchObject({ error: 'access_denied' })
    },
  )
})
