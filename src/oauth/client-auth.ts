/**
 * @module
 * Client authentication at the token, revocation and introspection endpoints (RFC 6749 §2.3):
 * client_secret_basic, client_secret_post, or none for public clients. One method per request.
 */
import type { Params } from '../handler/params.ts'
import type { Application } from '../services/applications/applications.ts'
import type { Port } from '../services/index.ts'
import { safeEqual } from '../crypto/secrets.ts'
import { InvalidClient, InvalidRequest, TooManyRequests } from '../handler/errors.ts'
import {
  ClientMetadataRefused,
  isMetadataDocumentId,
  MetadataFetchLimited,
} from '../services/applications/metadata-documents.ts'

export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none'
export const CLIENT_AUTH_METHODS: readonly ClientAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'none']

interface PresentedCredentials {
  clientId: string
  secret: string | undefined
  method: ClientAuthMethod
}

const UTF8 = new TextDecoder('utf-8', { fatal: true })

/** RFC 6749 §2.3.1: Basic credentials are form-urlencoded before base64. */
function parseBasic(header: string): { clientId: string; secret: string } {
  const encoded = header.slice(6).trim()
  let decoded: string
  try {
    decoded = UTF8.decode(Uint8Array.fromBase64(encoded))
  } catch {
    throw new InvalidClient('malformed Basic credentials')
  }
  const colon = decoded.indexOf(':')
  if (colon < 0) throw new InvalidClient('malformed Basic credentials')
  try {
    // Most client ids and secrets have nothing encoded: skip the decoding then.
    const unform = (s: string) => (/[%+]/.test(s) ? decodeURIComponent(s.replace(/\+/g, ' ')) : s)
    return { clientId: unform(decoded.slice(0, colon)), secret: unform(decoded.slice(colon + 1)) }
  } catch {
    throw new InvalidClient('malformed Basic credentials')
  }
}

function presented(request: Request, params: Params): PresentedCredentials {
  // Issue 16: an empty client_secret= (sent by some public clients) counts as absent.
  const bodySecret = params.client_secret === '' ? undefined : params.client_secret
  const header = request.headers.get('authorization')
  if (header && /^basic /i.test(header)) {
    const basic = parseBasic(header)
    if (params.client_id !== undefined && params.client_id !== basic.clientId)
      throw new InvalidRequest('client_id does not match the Basic credentials')
    // RFC 6749 §2.3: one authentication method per request. Git Credential Manager sends the same
    // credentials both ways (issue 16), which is one method repeated, not two: accepted when they agree.
    if (bodySecret !== undefined && !safeEqual(bodySecret, basic.secret))
      throw new InvalidRequest('client_secret does not match the Basic credentials')
    // Issue 16: Go's golang.org/x/oauth2 (git-credential-oauth) first tries Basic with an empty password
    // for a public client; like an empty client_secret=, that is no secret (RFC 6749 §2.3.1), not a wrong one.
    if (basic.secret === '') return { clientId: basic.clientId, secret: undefined, method: 'none' }
    return { clientId: basic.clientId, secret: basic.secret, method: 'client_secret_basic' }
  }
  if (!params.client_id) throw new InvalidClient('client authentication is required')
  if (bodySecret !== undefined) return { clientId: params.client_id, secret: bodySecret, method: 'client_secret_post' }
  return { clientId: params.client_id, secret: undefined, method: 'none' }
}

/**
 * Authenticates the client or throws InvalidClient, with one answer for every kind of failure.
 * RFC 6749 §2.3.1: failures are counted per client and address, and past the limit they get 429.
 * Only failures touch the counter, so the token path pays nothing for it; a 256-bit secret needs
 * no lockout of the right answer, only a brake on floods.
 */
/** What client authentication uses: the applications' secret check and its rate limit. */
export type ClientAuthPorts = Port<{ applications: 'authenticate' | 'findMetadataClient'; rateLimits: 'hit' }>

export async function authenticateClient(
  services: ClientAuthPorts,
  request: Request,
  params: Params,
  ip: string,
): Promise<{ client: Application; method: ClientAuthMethod }> {
  const creds = presented(request, params)
  if (isMetadataDocumentId(creds.clientId)) await refreshMetadataClient(services, creds, ip)
  else if (creds.clientId.length > 200 || (creds.secret?.length ?? 0) > 200)
    throw new InvalidClient('client authentication failed')
  const client = await services.applications.authenticate(creds.clientId, creds.secret)
  if (client) return { client, method: creds.method }
  const wait = await services.rateLimits.hit('clientSecretPerClientIp', `${creds.clientId}|${ip}`)
  if (wait > 0) throw new TooManyRequests('too many failed client authentications; try again later', wait)
  throw new InvalidClient('client authentication failed')
}

/**
 * Issue 18: a client known by its metadata document is public and has no secret (draft-ietf-oauth-client-id-
 * metadata-document §4.1); its document is fetched again first when the cached copy has expired, and a
 * document that can no longer be used refuses the client (401 invalid_client, saying why).
 */
async function refreshMetadataClient(services: ClientAuthPorts, creds: PresentedCredentials, ip: string) {
  if (creds.secret !== undefined)
    throw new InvalidClient('a client identified by a metadata document URL has no secret; send none')
  try {
    await services.applications.findMetadataClient(creds.clientId, ip)
  } catch (e) {
    if (e instanceof MetadataFetchLimited) throw new TooManyRequests(e.message, e.retryAfter)
    if (e instanceof ClientMetadataRefused) throw new InvalidClient(e.message, { cause: e, debug: e.logLine })
    throw e
  }
}
