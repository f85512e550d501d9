/**
 * The reference peer: panva/oidc-provider 9 on Node, configured like Latchkey for the benchmark
 * (client_secret_basic, the same scopes, opaque access tokens, RS256 ID tokens, introspection,
 * revocation and client credentials enabled, refresh tokens rotated on every use) with an
 * unbounded in-memory store. Paths under /__bench/ mint tokens and codes ahead of a timed run.
 *
 * Usage: node bench/peer/server.mjs PORT   (prints "ready <port>" when listening)
 */
import { createServer } from 'node:http'
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto'
import Provider from 'oidc-provider'
import { MapAdapter } from './map-adapter.mjs'

const PORT = Number(process.argv[2] ?? 9101)
const ISSUER = `http://127.0.0.1:${PORT}`
export const CLIENT = {
  id: 'bench-client',
  secret: 'bench-secret-bench-secret-bench-secret-0123',
  redirectUri: 'http://127.0.0.1:9/cb',
}
const ACCOUNT = {
  sub: 'user-1',
  preferred_username: 'alice',
  name: 'Alice Bench',
  email: 'alice@example.test',
  email_verified: true,
}
/** The one PKCE verifier behind every minted code (the check still runs per request). */
const VERIFIER = 'bench-verifier-0123456789-0123456789-0123456789'
const CHALLENGE = createHash('sha256').update(VERIFIER).digest('base64url')

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
const rsaJwk = { ...privateKey.export({ format: 'jwk' }), kid: 'bench-rs256', alg: 'RS256', use: 'sig' }

const provider = new Provider(ISSUER, {
  adapter: MapAdapter,
  clients: [
    {
      client_id: CLIENT.id,
      client_secret: CLIENT.secret,
      redirect_uris: [CLIENT.redirectUri],
      grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'RS256',
    },
  ],
  jwks: { keys: [rsaJwk] },
  scopes: ['openid', 'profile', 'email', 'offline_access', 'read_user'],
  claims: { openid: ['sub'], profile: ['name', 'preferred_username'], email: ['email', 'email_verified'] },
  findAccount: async (_ctx, sub) => (sub === ACCOUNT.sub ? { accountId: sub, claims: async () => ACCOUNT } : undefined),
  features: {
    devInteractions: { enabled: false },
    introspection: { enabled: true },
    revocation: { enabled: true },
    clientCredentials: { enabled: true },
  },
  rotateRefreshToken: true,
  cookies: { keys: ['bench-cookie-key-0123456789'] },
  ttl: {
    AccessToken: 3600,
    AuthorizationCode: 600,
    ClientCredentials: 3600,
    IdToken: 3600,
    RefreshToken: 30 * 86400,
    Grant: 30 * 86400,
    Session: 86400,
    Interaction: 3600,
  },
})

const callback = provider.callback()

async function newGrant(scope) {
  const grant = new provider.Grant({ accountId: ACCOUNT.sub, clientId: CLIENT.id })
  grant.addOIDCScope(scope)
  return grant.save()
}

/** Mints `n` credentials of one kind, one grant (token family) each, as Latchkey's runner does. */
async function mint(kind, n) {
  const client = await provider.Client.find(CLIENT.id)
  const authTime = Math.floor(Date.now() / 1000)
  const out = []
  for (let i = 0; i < n; i++) {
    if (kind === 'filler') {
      // Live tokens that are never presented: they only make the store big.
      out.push(
        await new provider.AccessToken({
          accountId: ACCOUNT.sub,
          client,
          scope: 'openid profile email',
          gty: 'authorization_code',
        }).save(),
      )
      continue
    }
    const scope = kind === 'refresh' ? 'profile email offline_access' : 'openid profile email offline_access'
    const grantId = await newGrant(scope)
    const common = { accountId: ACCOUNT.sub, client, grantId, scope, authTime, gty: 'authorization_code' }
    if (kind === 'access') out.push(await new provider.AccessToken(common).save())
    else if (kind === 'refresh' || kind === 'refresh-id')
      out.push(await new provider.RefreshToken({ ...common, expiresWithSession: false }).save())
    else if (kind === 'code')
      out.push(
        await new provider.AuthorizationCode({
          ...common,
          redirectUri: CLIENT.redirectUri,
          codeChallenge: CHALLENGE,
          codeChallengeMethod: 'S256',
          expiresWithSession: false,
        }).save(),
      )
    else throw new Error(`unknown kind ${kind}`)
  }
  return out
}

const server = createServer(async (req, res) => {
  if (!req.url.startsWith('/__bench/')) return callback(req, res)
  try {
    const url = new URL(req.url, ISSUER)
    if (url.pathname === '/__bench/mint') {
      const values = await mint(url.searchParams.get('kind'), Number(url.searchParams.get('n') ?? 1))
      if (url.searchParams.get('discard')) values.length = 0
      res.writeHead(200, { 'content-type': 'text/plain' }).end(values.join('\n'))
    } else if (url.pathname === '/__bench/sizes') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(MapAdapter.sizes()))
    } else res.writeHead(404).end()
  } catch (e) {
    res.writeHead(500).end(String(e?.stack ?? e))
  }
})
server.keepAliveTimeout = 60_000
server.listen(PORT, '127.0.0.1', () => console.log(`ready ${PORT}`))
void randomBytes
