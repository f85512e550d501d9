import { describe, expect, test } from 'bun:test'
import { basic, postForm } from '../helpers/oauth.ts'
import { seed } from '../helpers/fixtures.ts'
import { startServer } from '../helpers/server.ts'

describe('P. Rate limiting', () => {
  test(
    'RFC 6749 §2.3.1, checklist P.80: 50 wrong client secrets in a minute → 429 with ' +
      'Retry-After; a spoofed X-Forwarded-For does not move the bucket',
    async () => {
      await using server = await startServer()
      const { C1 } = await seed(server.provider.services)
      const wrong = (xff?: string) =>
        fetch(`${server.url}/oauth/token`, {
          method: 'POST',
          headers: {
            Authorization: basic(C1.clientId, 'lkcs_wrong'),
            'Content-Type': 'application/x-www-form-urlencoded',
            ...(xff ? { 'X-Forwarded-For': xff } : {}),
          },
          body: 'grant_type=client_credentials',
        })
      for (let i = 0; i < 50; i++) expect((await wrong(`198.51.100.${i}`)).status).toBe(401)
      const limited = await wrong('203.0.113.77')
      expect(limited.status).toBe(429)
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
      expect(await limited.json()).toMatchObject({ error: 'too_many_requests' })
      // The right secret is not locked out: failures slow floods, they do not deny the real client.
      const right = await postForm(server.url, '/oauth/token', C1, { grant_type: 'authorization_code', code: 'lkac_x' })
      expect(right.status).toBe(400)
    },
  )

  test('RFC 7662 §4, checklist P.81: 1,000 random tokens at introspection from one client are throttled', async () => {
    await using server = await startServer()
    const { RS } = await seed(server.provider.services)
    let first429 = -1
    for (let i = 0; i < 1000 && first429 < 0; i++) {
      const res = await postForm(server.url, '/oauth/introspect', RS, { token: `lkat_guess${i}` })
      if (res.status === 429) first429 = i
      else expect(await res.json()).toEqual({ active: false })
    }
    expect(first429).toBe(200)
  })

  test('RFC 6819 §4.4.1.11, checklist P.81: guessing bearer tokens at token info is throttled per IP', async () => {
    await using server = await startServer()
    let first429 = -1
    for (let i = 0; i < 1000 && first429 < 0; i++) {
      const res = await fetch(`${server.url}/oauth/token/info`, {
        headers: { Authorization: `Bearer lkat_guess${i}` },
      })
      if (res.status === 429) first429 = i
      else expect(res.status).toBe(401)
    }
    expect(first429).toBe(200)
  })
})
