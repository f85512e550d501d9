import { describe, expect, test } from 'bun:test'
import { Browser } from '../helpers/browser.ts'
import { PASSWORD, seed } from '../helpers/fixtures.ts'
import { pkcePair, postForm } from '../helpers/oauth.ts'
import { startServer } from '../helpers/server.ts'

/** Every way a secret could leak: whole, or the random part after its `lk.._` prefix. */
function fragments(secret: string): string[] {
  const body = secret.replace(/^lk[a-z]+_/, '')
  return [secret, body.slice(0, 16), body.slice(-16)]
}

describe('O.79 request logs never contain a secret', () => {
  test(
    'a full flow (failed logins, authorize, token, refresh, ' +
      'userinfo with ?access_token=, revoke, introspect) leaves no secret in any log line',
    async () => {
      await using server = await startServer({ config: { logLevel: 'debug' } })
      const f = await seed(server.provider.services)
      const secrets: Record<string, string> = { password: PASSWORD, c1_secret: f.C1.secret!, rs_secret: f.RS.secret! }
      const browser = new Browser(server.url)

      const wrongPassword = 'wrong-password-Zq8v3L'
      secrets.wrong_password = wrongPassword
      expect((await browser.login('alice', wrongPassword)).status).toBe(401) // the form again, with an error
      expect((await browser.login('nobody-here', PASSWORD)).status).toBe(401)

      const { verifier, challenge } = pkcePair()
      secrets.code_verifier = verifier
      const redirect = await browser.authorize({
        response_type: 'code',
        client_id: f.C1.clientId,
        redirect_uri: f.C1.redirectUri,
        scope: 'openid profile email',
        state: 'st4te-Kx93',
        nonce: 'n0nce-Pq27',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      })
      secrets.code = redirect.searchParams.get('code')!
      for (const [name, value] of browser.cookies) secrets[`cookie_${name}`] = value

      const tokenRes = await postForm(server.url, '/oauth/token', f.C1, {
        grant_type: 'authorization_code',
        code: secrets.code,
        redirect_uri: f.C1.redirectUri,
        code_verifier: verifier,
      })
      expect(tokenRes.status).toBe(200)
      const first = (await tokenRes.json()) as { access_token: string; refresh_token: string; id_token: string }
      Object.assign(secrets, {
        access_1: first.access_token,
        refresh_1: first.refresh_token,
        id_token_1: first.id_token,
      })

      const refreshed = (await (
        await postForm(server.url, '/oauth/token', f.C1, {
          grant_type: 'refresh_token',
          refresh_token: first.refresh_token,
        })
      ).json()) as typeof first
      Object.assign(secrets, { access_2: refreshed.access_token, refresh_2: refreshed.refresh_token })
      // A wrong client secret, for the error path.
      secrets.bad_secret = 'lkcs_not-the-right-secret-9f8e7d6c5b4a'
      expect(
        (
          await postForm(
            server.url,
            '/oauth/token',
            { ...f.C1, secret: secrets.bad_secret },
            { grant_type: 'refresh_token', refresh_token: refreshed.refresh_token },
          )
        ).status,
      ).toBe(401)

      const pat = await server.provider.services.tokens.issuePersonal(f.alice.id, ['read_user'], 3600)
      secrets.personal = pat.token
      expect(
        (await fetch(`${server.url}/oauth/userinfo?access_token=${encodeURIComponent(pat.token)}`)).status,
      ).toBeLessThan(500)
      const third = (await (
        await postForm(server.url, '/oauth/token', f.C1, {
          grant_type: 'refresh_token',
          refresh_token: refreshed.refresh_token,
        })
      ).json()) as typeof first
      Object.assign(secrets, { access_3: third.access_token, refresh_3: third.refresh_token })
      expect(
        (await fetch(`${server.url}/oauth/userinfo?access_token=${encodeURIComponent(third.access_token)}`)).status,
      ).toBe(200)
      expect(
        (await fetch(`${server.url}/oauth/userinfo`, { headers: { Authorization: `Bearer ${third.access_token}` } }))
          .status,
      ).toBe(200)
      expect(
        (await fetch(`${server.url}/oauth/token/info?access_token=${encodeURIComponent(third.access_token)}`)).status,
      ).toBe(200)

      const intro = await postForm(server.url, '/oauth/introspect', f.RS, { token: third.access_token })
      expect(await intro.json()).toMatchObject({ active: true })
      // A replayed refresh token: invalid_grant, and the family is revoked (RFC 9700 §4.14.2).
      expect(
        (
          await postForm(server.url, '/oauth/token', f.C1, {
            grant_type: 'refresh_token',
            refresh_token: first.refresh_token,
          })
        ).status,
      ).toBe(400)
      expect((await postForm(server.url, '/oauth/revoke', f.C1, { token: third.refresh_token })).status).toBe(200)
      expect(
        await (await postForm(server.url, '/oauth/introspect', f.RS, { token: third.access_token })).json(),
      ).toEqual({ active: false })

      const lines = server.logs
      expect(lines.length).toBeGreaterThan(20)
      const leaks = Object.entries(secrets).flatMap(([name, secret]) =>
        fragments(secret)
          .filter((s) => lines.some((l) => l.includes(s)))
          .map((s) => `${name} (${s.slice(0, 6)}…)`),
      )
      expect(leaks).toEqual([])

      // The lines say what happened: route without query, client id, grant type, request id.
      const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>)
      const userinfo = parsed.filter((l) => l.msg === 'request' && String(l.route).includes('userinfo'))
      expect(userinfo.length).toBe(3)
      for (const l of userinfo) expect(l.route).toBe('/oauth/userinfo')
      expect(parsed).toContainEqual(
        expect.objectContaining({
          route: '/oauth/token',
          status: 200,
          client_id: f.C1.clientId,
          grant_type: 'refresh_token',
        }),
      )
      expect(parsed.every((l) => l.msg !== 'request' || typeof l.request_id === 'string')).toBe(true)
    },
  )
})
