import { describe, expect, test } from 'bun:test'
import { decodeJwt } from 'jose'
import { Browser } from '../helpers/browser.ts'
import { seed } from '../helpers/fixtures.ts'
import { pkcePair, postForm } from '../helpers/oauth.ts'
import { startServer } from '../helpers/server.ts'

async function setup() {
  const server = await startServer()
  const f = await seed(server.provider.services)
  return { server, f, browser: new Browser(server.url) }
}

describe('RFC 6749 §4.1 authorization code grant', () => {
  test('§4.1.1–4.1.4 a confidential client gets a code, then tokens with an ID token', async () => {
    const { server, f, browser } = await setup()
    await using _ = server
    const { verifier, challenge } = pkcePair()
    const redirect = await browser.authorize({
      response_type: 'code',
      client_id: f.C1.clientId,
      redirect_uri: f.C1.redirectUri,
      scope: 'openid profile email',
      state: 'xyz',
      nonce: 'n-0S6_WzA2Mj',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    })
    expect(redirect.origin + redirect.pathname).toBe(f.C1.redirectUri)
    expect(redirect.searchParams.get('state')).toBe('xyz')
    expect(redirect.searchParams.get('iss')).toBe(server.config.issuer)
    const code = redirect.searchParams.get('code')!
    expect(code).toStartWith('lkac_')
    const res = await postForm(server.url, '/oauth/token', f.C1, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: f.C1.redirectUri,
      code_verifier: verifier,
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const body = (await res.json()) as Record<string, unknown>
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 7200, scope: 'openid profile email' })
    expect(body.access_token).toStartWith('lkat_')
    expect(body.refresh_token).toStartWith('lkrt_')
    const claims = decodeJwt(body.id_token as string)
    expect(claims).toMatchObject({
      iss: server.config.issuer,
      aud: f.C1.clientId,
      azp: f.C1.clientId,
      sub: f.alice.id,
      nonce: 'n-0S6_WzA2Mj',
    })
  })

  test('§4.1.2 MUST deny a code used twice with invalid_grant, SHOULD revoke tokens issued from it', async () => {
    const { server, f, browser } = await setup()
    await using _ = server
    const redirect = await browser.authorize({
      response_type: 'code',
      client_id: f.C1.clientId,
      redirect_uri: f.C1.redirectUri,
      scope: 'openid',
    })
    const code = redirect.searchParams.get('code')!
    const redeem = () =>
      postForm(server.url, '/oauth/token', f.C1, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: f.C1.redirectUri,
      })
    const first = (await (await redeem()).json()) as { access_token: string; refresh_token: string }
    const second = await redeem()
    expect(second.status).toBe(400)
    expect(await second.json()).toMatchObject({ error: 'invalid_grant' })
    const intro = await postForm(server.url, '/oauth/introspect', f.C1, { token: first.access_token })
    expect(await intro.json()).toEqual({ active: false })
    const refresh = await postForm(server.url, '/oauth/token', f.C1, {
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token,
    })
    expect(refresh.status).toBe(400)
  })
})
