/**
 * Issue 18: the Model Context Protocol's official TypeScript SDK (@modelcontextprotocol/sdk), whose client
 * side does its own OAuth, against Latchkey. Nothing here speaks OAuth for the client: the SDK reads the
 * MCP server's protected resource metadata (RFC 9728), Latchkey's RFC 8414 metadata, registers itself
 * (RFC 7591, policy `open`), sends PKCE (RFC 7636) and `resource` (RFC 8707) and exchanges and refreshes the
 * code. The test plays only the person in the browser (sign-in and consent) and the MCP server, which
 * accepts a token only when Latchkey's introspection says it is active and meant for it (RFC 8707 §3).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { auth, type OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js'
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js'
import type { Server } from 'bun'
import { decodeProtectedHeader } from 'jose'
import { Browser } from '../helpers/browser.ts'
import { basic } from '../helpers/oauth.ts'
import type { Fixtures } from '../helpers/flows.ts'
import { seed } from '../helpers/fixtures.ts'
import { startServer, type TestServer } from '../helpers/server.ts'
import { makeTestCa } from '../helpers/test-ca.ts'

const SCOPE = 'mcp:tools'
const CALLBACK = 'http://127.0.0.1:33418/callback'

/**
 * The agent's own client ID metadata document (draft-ietf-oauth-client-id-metadata-document), served
 * over real HTTPS on loopback with a certificate from a test CA that Latchkey is told to trust.
 */
const ca = makeTestCa(['agent.test'])
const documents: Server<unknown> = Bun.serve({
  hostname: '127.0.0.1',
  port: 0,
  tls: { cert: ca.cert, key: ca.key },
  fetch: (request): Response => {
    const id = `https://agent.test:${documents.port}${new URL(request.url).pathname}`
    if (!id.endsWith('/client.json')) return new Response('not found', { status: 404 })
    return Response.json({
      client_id: id,
      client_name: 'MCP agent with a metadata document',
      redirect_uris: [CALLBACK],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    })
  },
})
const CLIENT_METADATA_URL = `https://agent.test:${documents.port}/mcp/client.json`

let latchkey: TestServer
let f: Fixtures
let mcp: Server<unknown>
let mcpUrl: string

/** The MCP server's view of a bearer token: Latchkey's introspection answer (RFC 7662), or undefined. */
async function introspect(token: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${latchkey.url}/oauth/introspect`, {
    method: 'POST',
    headers: { authorization: basic(f.RS.clientId, f.RS.secret!), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }),
  })
  return (await res.json()) as Record<string, unknown>
}

/** A minimal MCP server: RFC 9728 metadata, a bearer check against Latchkey, one tool naming the caller. */
function startMcpServer(): Server<unknown> {
  return Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(request) {
      const url = new URL(request.url)
      const resource = `${url.origin}/mcp`
      if (url.pathname === '/.well-known/oauth-protected-resource/mcp')
        return Response.json({ resource, authorization_servers: [latchkey.url], scopes_supported: [SCOPE] })
      if (url.pathname !== '/mcp') return new Response('not found', { status: 404 })
      const token = /^Bearer (.+)$/.exec(request.headers.get('authorization') ?? '')?.[1]
      const claims = token ? await introspect(token) : { active: false }
      const audience = ([] as unknown[]).concat(claims.aud ?? [])
      if (claims.active !== true || !audience.includes(resource)) {
        const metadata = `${url.origin}/.well-known/oauth-protected-resource/mcp`
        return new Response(null, {
          status: 401,
          headers: { 'www-authenticate': `Bearer resource_metadata="${metadata}", scope="${SCOPE}"` },
        })
      }
      const server = new McpServer({ name: 'latchkey-test', version: '1.0.0' })
      server.registerTool('whoami', { description: 'who the token is for' }, () => ({
        content: [{ type: 'text', text: String(claims.username ?? claims.sub) }],
      }))
      const transport = new WebStandardStreamableHTTPServerTransport({ enableJsonResponse: true })
      await server.connect(transport)
      return transport.handleRequest(request)
    },
  })
}

/** The SDK's storage hooks, kept in memory; the browser step is recorded for the test to play. */
class MemoryProvider implements OAuthClientProvider {
  constructor(readonly clientMetadataUrl?: string) {}
  client?: OAuthClientInformationMixed
  saved?: OAuthTokens
  verifier = ''
  authorizationUrl?: URL
  readonly redirectUrl = CALLBACK
  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'MCP SDK test client',
      redirect_uris: [CALLBACK],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    }
  }
  clientInformation() {
    return this.client
  }
  saveClientInformation(info: OAuthClientInformationMixed) {
    this.client = info
  }
  tokens() {
    return this.saved
  }
  saveTokens(tokens: OAuthTokens) {
    this.saved = tokens
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier
  }
  codeVerifier() {
    return this.verifier
  }
}

/** The person: signs in as alice and approves; returns the code the callback would receive. */
async function playBrowser(url: URL): Promise<string> {
  const browser = new Browser(latchkey.url)
  const back = await browser.authorize(Object.fromEntries(url.searchParams), { path: url.pathname })
  expect(`${back.origin}${back.pathname}`).toBe(CALLBACK)
  const code = back.searchParams.get('code')
  if (!code) throw new Error(`no code: ${back}`)
  return code
}

beforeAll(async () => {
  mcp = startMcpServer()
  mcpUrl = `http://127.0.0.1:${mcp.port}/mcp`
  latchkey = await startServer({
    config: {
      registrationPolicy: 'open',
      metadataDocumentAllowHosts: `agent.test:${documents.port}`,
      metadataDocumentCaFile: ca.caFile,
      metadataDocumentScopes: `openid offline_access ${SCOPE}`,
    },
    // Latchkey's DNS for the test: the agent's host is this machine (allowed above, for that port only).
    resolveHost: async (host) => (host === 'agent.test' ? [{ address: '127.0.0.1', family: 4 }] : []),
  })
  f = await seed(latchkey.provider.services)
  // What the operator sets up: a scope open to self-registration, and the MCP server as a resource
  // accepting it, whose tokens are RFC 9068 JWTs.
  await latchkey.provider.services.scopes.create({
    name: SCOPE,
    description: 'use the MCP tools',
    selfRegistration: true,
  })
  await latchkey.provider.services.resources.create({ name: 'mcp', uri: mcpUrl, scopes: [SCOPE], tokenFormat: 'jwt' })
})

afterAll(async () => {
  mcp?.stop(true)
  documents.stop(true)
  await latchkey?.[Symbol.asyncDispose]()
  ca[Symbol.dispose]()
})

describe('issue 18: the MCP TypeScript SDK as an OAuth client', () => {
  test('registers itself, sends PKCE and resource, calls a tool, refreshes (RFC 7591, 7636, 8707, 9728)', async () => {
    const provider = new MemoryProvider()
    const first = new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider })
    await expect(new Client({ name: 'test', version: '1.0.0' }).connect(first)).rejects.toThrow(/Unauthorized/i)

    // Dynamic registration happened (RFC 7591): a public client bound to this server's callback.
    const clientId = provider.client?.client_id
    expect(clientId).toBeString()
    expect((provider.client as { client_secret?: string }).client_secret).toBeUndefined()

    // The authorization request carries PKCE S256 and the MCP server as resource (RFC 8707 §2).
    const request = provider.authorizationUrl!
    expect(request.searchParams.get('code_challenge_method')).toBe('S256')
    expect(request.searchParams.get('resource')).toBe(mcpUrl)
    expect(request.searchParams.get('scope')).toBe(SCOPE)

    await first.finishAuth(await playBrowser(request))
    const tokens = provider.saved!
    expect(tokens.access_token).toBeString()
    expect(tokens.refresh_token).toBeString()
    expect((await introspect(tokens.access_token)).aud).toContain(mcpUrl)
    // The operator chose RFC 9068 JWTs for this resource (RFC 9068 §2.1).
    expect(decodeProtectedHeader(tokens.access_token).typ).toBe('at+jwt')

    const client = new Client({ name: 'test', version: '1.0.0' })
    await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider }))
    const result = await client.callTool({ name: 'whoami', arguments: {} })
    expect(result.content).toEqual([{ type: 'text', text: 'alice' }])
    await client.close()

    // With a refresh token saved, the SDK's next auth() refreshes (RFC 6749 §6) for the same resource.
    expect(await auth(provider, { serverUrl: mcpUrl })).toBe('AUTHORIZED')
    expect(provider.saved!.access_token).not.toBe(tokens.access_token)
    const refreshed = await introspect(provider.saved!.access_token)
    expect(refreshed.active).toBe(true)
    expect(refreshed.aud).toContain(mcpUrl)
    expect(refreshed.client_id).toBe(clientId!)
  })

  test('uses its metadata document, no registration (draft-ietf-oauth-client-id-metadata-document)', async () => {
    const provider = new MemoryProvider(CLIENT_METADATA_URL)
    const transport = new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider })
    await expect(new Client({ name: 'test', version: '1.0.0' }).connect(transport)).rejects.toThrow(/Unauthorized/i)
    // Latchkey's metadata says it supports documents, so the SDK's client_id is the document's URL.
    expect(provider.client?.client_id).toBe(CLIENT_METADATA_URL)
    expect(provider.authorizationUrl!.searchParams.get('client_id')).toBe(CLIENT_METADATA_URL)

    await transport.finishAuth(await playBrowser(provider.authorizationUrl!))
    const client = new Client({ name: 'test', version: '1.0.0' })
    await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider }))
    const result = await client.callTool({ name: 'whoami', arguments: {} })
    expect(result.content).toEqual([{ type: 'text', text: 'alice' }])
    await client.close()
    expect((await introspect(provider.saved!.access_token)).client_id).toBe(CLIENT_METADATA_URL)
  })
})
