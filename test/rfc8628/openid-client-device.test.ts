import { expect, test } from 'bun:test'
import * as client from 'openid-client'
import { DEVICE_CODE_GRANT } from '../../src/services/applications/applications.ts'
import { Browser, formFields } from '../helpers/browser.ts'
import { seed } from '../helpers/fixtures.ts'
import { startServer } from '../helpers/server.ts'

test('RFC 8628 end to end: openid-client starts and polls, the user approves on the HTML pages', async () => {
  // Interop: openid-client over HTTP.
  await using server = await startServer({ config: { deviceInterval: 1 }, socket: true })
  await seed(server.provider.services)
  const { application } = await server.provider.services.applications.create({
    name: 'git credential helper',
    isPublic: true,
    grantTypes: [DEVICE_CODE_GRANT, 'refresh_token'],
    scopes: ['openid', 'profile', 'read_user'],
  })
  const config = await client.discovery(new URL(server.url), application.clientId, undefined, client.None(), {
    execute: [client.allowInsecureRequests],
  })
  const device = await client.initiateDeviceAuthorization(config, { scope: 'openid read_user' })
  expect(device.interval).toBe(1)

  const approve = (async () => {
    const browser = new Browser(server.url)
    await browser.login()
    const entry = await (
      await browser.get(
        new URL(device.verification_uri_complete!).pathname + new URL(device.verification_uri_complete!).search,
      )
    ).text()
    expect(entry).toContain(`value="${device.user_code}"`)
    const confirm = await (
      await browser.post('/oauth/device', { ...formFields(entry), user_code: device.user_code })
    ).text()
    expect(confirm).toContain('git credential helper')
    const done = await browser.post('/oauth/device/decision', { ...formFields(confirm), decision: 'approve' })
    expect(done.status).toBe(200)
  })()

  const tokens = await client.pollDeviceAuthorizationGrant(config, device)
  await approve
  expect(tokens.access_token).toStartWith('lkat_')
  expect(tokens.scope).toBe('openid read_user')
  expect(tokens.claims()?.sub).toBeString()
  const userinfo = await client.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub)
  expect(userinfo.sub).toBe(tokens.claims()!.sub)
}, 20_000)
