import { expect, test } from 'bun:test'
import { Browser } from '../helpers/browser.ts'
import { seed } from '../helpers/fixtures.ts'
import { postForm } from '../helpers/oauth.ts'
import { startServer } from '../helpers/server.ts'

test(
  'D.29 OIDC Core §11: ' +
    'with the offline_access policy a refresh token is issued only when offline_access is asked for',
  async () => {
    await using server = await startServer()
    const services = server.provider.services
    await seed(services)
    const { application, clientSecret } = await services.applications.create({
      name: 'Strict OIDC',
      redirectUris: ['https://o.example/cb'],
      scopes: ['openid', 'offline_access', 'read_user'],
      refreshPolicy: 'offline_access',
    })
    const client = { clientId: application.clientId, secret: clientSecret, redirectUri: 'https://o.example/cb' }
    const redeem = async (scope: string) => {
      const redirect = await new Browser(server.url).authorize({
        response_type: 'code',
        client_id: client.clientId,
        redirect_uri: client.redirectUri,
        scope,
      })
      const res = await postForm(server.url, '/oauth/token', client, {
        grant_type: 'authorization_code',
        code: redirect.searchParams.get('code')!,
        redirect_uri: client.redirectUri,
      })
      return (await res.json()) as { refresh_token?: string; id_token?: string }
    }
    const online = await redeem('openid')
    expect(online.id_token).toBeString()
    expect(online.refresh_token).toBeUndefined()
    expect((await redeem('openid offline_access')).refresh_token).toStartWith('lkrt_')
    // Plain OAuth (no openid) keeps the GitLab behaviour: a refresh token every time.
    expect((await redeem('read_user')).refresh_token).toStartWith('lkrt_')
  },
)
