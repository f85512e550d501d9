/**
 * Issue 15 §3: each grant is handed only the services it declares (its port, as fosite's flows get
 * narrow storage interfaces), so it runs against a stub of exactly those methods, with no database.
 */
import { describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadConfig } from '../../src/config.ts'
import { UnauthorizedClient } from '../../src/handler/errors.ts'
import { clientCredentials, type ClientCredentialsPorts } from '../../src/oauth/grants/client-credentials.ts'
import { GRANTS } from '../../src/oauth/grants/index.ts'
import type { Application } from '../../src/services/applications/applications.ts'
import type { IssueRequest } from '../../src/services/tokens/tokens.ts'

const config = loadConfig({ flags: {}, env: {} })

const client: Application = {
  id: 'app-1',
  clientId: 'lk_client',
  name: 'Machine',
  ownerId: null,
  isPublic: false,
  isTrusted: false,
  redirectUris: [],
  scopes: ['openid', 'read_user'],
  grantTypes: ['client_credentials'],
  tokenFormat: 'opaque',
  idTokenAlg: 'RS256',
  accessTokenTtl: null,
  refreshTokenTtl: null,
  canIntrospect: false,
  allowPlainPkce: false,
  refreshPolicy: 'always',
  defaultScopes: null,
  refreshGracePeriod: 0,
  restrictedToGroups: false,
  logoUri: null,
  clientUri: null,
  policyUri: null,
  tosUri: null,
  contacts: [],
  registration: 'admin',
  tokenEndpointAuthMethod: null,
  grantCompletedAt: null,
  metadataDocument: null,
  createdAt: 0,
  updatedAt: 0,
}

/** Exactly the port's methods; the type checker holds the stub to ClientCredentialsPorts. */
function stubPort(issued: IssueRequest[]): ClientCredentialsPorts {
  return {
    scopes: { resolve: async (requested) => ({ ok: true, scopes: requested ? requested.split(' ') : ['read_user'] }) },
    tokens: {
      issue: async (req) => {
        issued.push(req)
        return {
          accessToken: 'lkat_stub',
          accessTokenId: 't-1',
          expiresIn: 3600,
          refreshToken: null,
          scopes: [...req.scopes],
          createdAt: 1,
        }
      },
    },
  }
}

describe('issue 15 §3: grants run on their narrow ports', () => {
  test(
    'RFC 6749 §4.4.3: ' +
      'client_credentials on its port ' +
      'alone issues no refresh token and no ID token, for no user',
    async () => {
      const issued: IssueRequest[] = []
      const body = await clientCredentials.handle({
        client,
        params: { scope: 'openid read_user' },
        services: stubPort(issued),
        config,
        clock: { now: () => 1_800_000_000 },
        ip: '192.0.2.1',
      })
      expect(body).toEqual({
        access_token: 'lkat_stub',
        token_type: 'Bearer',
        expires_in: 3600,
        scope: 'openid read_user',
        created_at: 1,
      })
      expect(issued).toHaveLength(1)
      expect(issued[0]).toMatchObject({ userId: null, withRefresh: false, authTime: null })
    },
  )

  test('RFC 6749 §4.4: a public client is refused before any service is called', async () => {
    const issued: IssueRequest[] = []
    const run = clientCredentials.handle({
      client: { ...client, isPublic: true },
      params: {},
      services: stubPort(issued),
      config,
      clock: { now: () => 1_800_000_000 },
      ip: '192.0.2.1',
    })
    await expect(run).rejects.toBeInstanceOf(UnauthorizedClient)
    expect(issued).toEqual([])
  })

  test('every grant in the registry declares its port instead of taking the whole services bag', () => {
    const dir = join(import.meta.dir, '../../src/oauth/grants')
    const files = ['authorization-code', 'refresh-token', 'client-credentials', 'password', 'device-code']
    expect(files.length).toBe(GRANTS.size)
    for (const file of files) {
      const text = readFileSync(join(dir, `${file}.ts`), 'utf8')
      expect({ file, declaresPort: /GrantHandler<typeof \w+, \w+Ports>/.test(text) }).toEqual({
        file,
        declaresPort: true,
      })
    }
  })
})
