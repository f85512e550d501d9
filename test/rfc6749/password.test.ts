import { describe, expect, test } from 'bun:test'
import { PASSWORD, seed } from '../helpers/fixtures.ts'
import { postForm } from '../helpers/oauth.ts'
import { startServer } from '../helpers/server.ts'

async function setup(config: Record<string, unknown> = {}) {
  const server = await startServer({ config })
  const services = server.provider.services
  const f = await seed(services)
  const { application, clientSecret } = await services.applications.create({
    name: 'Legacy CLI',
    grantTypes: ['password', 'refresh_token'],
    scopes: ['openid', 'read_user'],
  })
  return { server, f, ROPC: { clientId: application.clientId, secret: clientSecret, redirectUri: '' } }
}

describe('RFC 6749 §4.3 resource owner password credentials (GitLab seed)', () => {
  test('§4.3.3 an application that enables the grant gets tokens for the right password', async () => {
    const { server, ROPC } = await setup()
    await using _ = server
    const res = await postForm(server.url, '/oauth/token', ROPC, {
      grant_type: 'password',
      username: 'alice',
      password: PASSWORD,
      scope: 'read_user',
    })
    expect(res.status).toBe(200)
    const body = (await res.json()) as Record<string, string>
    expect(body.scope).toBe('read_user')
    expect(body.refresh_token).toStartWith('lkrt_')
  })

  test('RFC 9700 §2.4, checklist E.32: an application without the grant → unauthorized_client', async () => {
    const { server, f } = await setup()
    await using _ = server
    const res = await postForm(server.url, '/oauth/token', f.C1, {
      grant_type: 'password',
      username: 'alice',
      password: PASSWORD,
    })
    expect(await res.json()).toMatchObject({ error: 'unauthorized_client' })
  })

  test('issue 3: the instance-wide switch turns the grant off even for applications that enable it', async () => {
    const { server, ROPC } = await setup({ passwordGrant: 'false' })
    await using _ = server
    const res = await postForm(server.url, '/oauth/token', ROPC, {
      grant_type: 'password',
      username: 'alice',
      password: PASSWORD,
    })
    expect(await res.json()).toMatchObject({ error: 'unauthorized_client' })
  })

  test('checklist E.33: wrong password, unknown user and disabled user get the identical invalid_grant', async () => {
    const { server, ROPC } = await setup()
    await using _ = server
    await server.provider.services.users.disable('bob')
    const answers = await Promise.all(
      [
        { username: 'alice', password: 'wrong password!' },
        { username: 'nobody', password: PASSWORD },
        { username: 'bob', password: PASSWORD },
      ].map(async (c) => {
        const res = await postForm(server.url, '/oauth/token', ROPC, { grant_type: 'password', ...c })
        return { status: res.status, body: await res.json() }
      }),
    )
    for (const a of answers) expect(a).toEqual(answers[0]!)
    expect(answers[0]).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'invalid resource owner credentials' },
    })
  })

  test(
    'RFC 6749 §4.3.2 MUST protect against brute force: after 10 failures even the right ' +
      'password gets 429 with Retry-After',
    async () => {
      const { server, ROPC } = await setup()
      await using _ = server
      for (let i = 0; i < 10; i++)
        await postForm(server.url, '/oauth/token', ROPC, {
          grant_type: 'password',
          username: 'alice',
          password: `wrong-${i}-password`,
        })
      const res = await postForm(server.url, '/oauth/token', ROPC, {
        grant_type: 'password',
        username: 'alice',
        password: PASSWORD,
      })
      expect(res.status).toBe(429)
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
      expect(await res.json()).toMatchObject({ error: 'too_many_requests' })
    },
  )

  test('issue 3: the limit survives a restart (counters are in the database)', async () => {
    const { server, ROPC } = await setup()
    await using _ = server
    for (let i = 0; i < 10; i++)
      await postForm(server.url, '/oauth/token', ROPC, {
        grant_type: 'password',
        username: 'alice',
        password: `wrong-${i}-password`,
      })
    expect(await server.provider.services.rateLimits.retryAfter('loginPerUsername', 'alice')).toBeGreaterThan(0)
    const { openProvider } = await import('../../src/provider.ts')
    await using reopened = await openProvider(server.config, { logger: { log() {} } })
    expect(await reopened.services.rateLimits.retryAfter('loginPerUsername', 'alice')).toBeGreaterThan(0)
  })

  test('issue 3: password verification does not block the event loop for other requests', async () => {
    const { server, ROPC } = await setup()
    await using _ = server
    let verified = 0
    const slow = Array.from({ length: 4 }, () =>
      postForm(server.url, '/oauth/token', ROPC, {
        grant_type: 'password',
        username: 'alice',
        password: PASSWORD,
      }).then(() => verified++),
    )
    const discovery = await fetch(`${server.url}/.well-known/openid-configuration`)
    const verifiedBeforeDiscovery = verified
    expect(discovery.status).toBe(200)
    await Promise.all(slow)
    // Argon2id runs off the event loop: discovery answers while verifications are still running.
    // Counted, not timed, so a loaded machine cannot turn it red.
    expect(verifiedBeforeDiscovery).toBeLessThan(4)
  })
})
