/**
 * @module
 * Validation of an authorization request (RFC 6749 §4.1.1, OIDC Core §3.1.2.1), in the RFC's
 * order: first client and redirect URI (errors there are shown, never redirected — §4.1.2.1),
 * then everything else (errors there are redirected to the client).
 */
import type { Params } from '../handler/params.ts'
import type { Application } from '../services/applications/applications.ts'
import type { Port } from '../services/index.ts'
import { checkIdTokenHint, type IdTokenHintPorts } from '../oidc/id-token-hint.ts'
import { matchRedirectUri } from '../services/applications/redirect-uris.ts'
import {
  ClientMetadataRefused,
  isMetadataDocumentId,
  MetadataFetchLimited,
} from '../services/applications/metadata-documents.ts'
import {
  InvalidClient,
  InvalidRequest,
  InvalidScope,
  OAuthError,
  TooManyRequests,
  UnsupportedResponseType,
} from '../handler/errors.ts'
import { parseChallenge, type PkceChallenge } from './pkce.ts'

export const PROMPTS = ['none', 'login', 'consent', 'select_account'] as const
const MAX_STATE = 2048
const MAX_NONCE = 512

export interface AuthorizeRequest {
  client: Application
  redirectUri: string
  redirectUriSent: boolean
  state: string | undefined
  scopes: string[]
  pkce: PkceChallenge | null
  nonce: string | null
  prompt: Set<string>
  maxAge: number | undefined
  /** The user a verified `id_token_hint` names (its `sub`), or null without a hint. */
  hintedSubject: string | null
  /** The parameters as received, carried through login and consent. */
  params: Params
}

/** An error about the client or redirect URI: rendered as a page, never redirected. */
export class UnredirectableError extends Error {
  constructor(readonly error: OAuthError) {
    super(error.description)
  }
}

/** An error to redirect to the client with `error`, `state` and `iss` (RFC 9207). */
export class RedirectableError extends Error {
  constructor(
    readonly error: OAuthError,
    readonly redirectUri: string,
    readonly state: string | undefined,
  ) {
    super(error.description)
  }
}

/** What validating an authorization request uses: the client lookup, scopes, and the hint's keys. */
export type AuthorizeRequestPorts = IdTokenHintPorts &
  Port<{ applications: 'findByClientId' | 'findMetadataClient'; scopes: 'resolve' }>

export async function validateAuthorizeRequest(
  services: AuthorizeRequestPorts,
  issuer: string,
  params: Params,
  /** The requester's address: fetching metadata documents is rate-limited by it (issue 18). */
  ip: string,
): Promise<AuthorizeRequest> {
  const client = await findClient(services, params.client_id, ip)
  const { redirectUri, sent } = resolveRedirectUri(client, params)
  const state = params.state
  if (state !== undefined && state.length > MAX_STATE)
    throw new UnredirectableError(new InvalidRequest('state is too long'))
  try {
    return {
      client,
      redirectUri,
      redirectUriSent: sent,
      state,
      ...(await validateRest(services, issuer, client, params)),
      params,
    }
  } catch (e) {
    if (e instanceof OAuthError) throw new RedirectableError(e, redirectUri, state)
    throw e
  }
}

async function findClient(
  services: AuthorizeRequestPorts,
  clientId: string | undefined,
  ip: string,
): Promise<Application> {
  if (clientId !== undefined && isMetadataDocumentId(clientId)) return metadataClient(services, clientId, ip)
  // RFC 6749 §4.1.2.1: one page for a missing and an unknown client_id, no redirect.
  const client = clientId && clientId.length <= 200 ? await services.applications.findByClientId(clientId) : undefined
  if (!client) throw new UnredirectableError(new InvalidRequest('unknown or missing client_id'))
  if (!client.grantTypes.includes('authorization_code'))
    throw new UnredirectableError(new InvalidRequest('this application does not use the authorization code flow'))
  return client
}

/**
 * Issue 18, draft-ietf-oauth-client-id-metadata-document: a URL client_id is fetched; a document that
 * cannot be used is `invalid_client` on a page, never a redirect to a URI nobody has verified.
 */
async function metadataClient(services: AuthorizeRequestPorts, clientId: string, ip: string): Promise<Application> {
  try {
    return await services.applications.findMetadataClient(clientId, ip)
  } catch (e) {
    if (e instanceof MetadataFetchLimited) throw new UnredirectableError(new TooManyRequests(e.message, e.retryAfter))
    if (e instanceof ClientMetadataRefused)
      throw new UnredirectableError(new InvalidClient(e.message, { cause: e, debug: e.logLine }))
    throw e
  }
}

function resolveRedirectUri(client: Application, params: Params): { redirectUri: string; sent: boolean } {
  const requested = params.redirect_uri
  if (requested === undefined) {
    // RFC 6749 §3.1.2.3 allows omitting it with one registered URI; OIDC Core §3.1.2.1 requires it.
    const isOidc = (params.scope ?? '').split(' ').includes('openid')
    if (client.redirectUris.length === 1 && !isOidc) return { redirectUri: client.redirectUris[0]!, sent: false }
    throw new UnredirectableError(new InvalidRequest('redirect_uri is required'))
  }
  if (!matchRedirectUri(client.redirectUris, requested, client.isPublic))
    throw new UnredirectableError(new InvalidRequest('redirect_uri is not registered for this application'))
  return { redirectUri: requested, sent: true }
}

async function validateRest(services: AuthorizeRequestPorts, issuer: string, client: Application, params: Params) {
  if (params.response_type === undefined) throw new InvalidRequest('response_type is required')
  if (params.response_type !== 'code') throw new UnsupportedResponseType('only response_type=code is supported')
  if (params.request !== undefined || params.request_uri !== undefined)
    throw new InvalidRequest('request objects are not supported')
  const scope = await services.scopes.resolve(params.scope, client.scopes, client.defaultScopes)
  if (!scope.ok) throw new InvalidScope(scope.reason)
  const pkce = parseChallenge(params.code_challenge, params.code_challenge_method, client.allowPlainPkce)
  // RFC 7636 §4.4.1, RFC 9700 §2.1.1: public clients must use PKCE.
  if (client.isPublic && !pkce) throw new InvalidRequest('code_challenge is required for public clients')
  const nonce = params.nonce
  if (nonce !== undefined && nonce.length > MAX_NONCE) throw new InvalidRequest('nonce is too long')
  const prompt = parsePrompt(params.prompt)
  const maxAge = parseMaxAge(params.max_age)
  return {
    scopes: scope.scopes,
    pkce,
    nonce: nonce ?? null,
    prompt,
    maxAge,
    hintedSubject: await hintedSubject(services, issuer, client, params.id_token_hint),
  }
}

/** OIDC Core §3.1.2.1: a hint that is not an ID token Latchkey gave this client is a bad request. */
async function hintedSubject(
  services: AuthorizeRequestPorts,
  issuer: string,
  client: Application,
  hint: string | undefined,
): Promise<string | null> {
  if (hint === undefined) return null
  const check = await checkIdTokenHint(services, issuer, hint, client.clientId)
  if (!check.ok) throw new InvalidRequest(check.reason)
  return check.subject
}

/** OIDC Core §3.1.2.1: space-delimited; "none" with any other value is an error. */
function parsePrompt(value: string | undefined): Set<string> {
  const prompt = new Set((value ?? '').split(' ').filter(Boolean))
  for (const p of prompt)
    if (!(PROMPTS as readonly string[]).includes(p)) throw new InvalidRequest(`unsupported prompt value`)
  if (prompt.has('none') && prompt.size > 1)
    throw new InvalidRequest('prompt=none cannot be combined with other values')
  return prompt
}

function parseMaxAge(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  if (!/^\d{1,9}$/.test(value)) throw new InvalidRequest('max_age must be a non-negative integer')
  return Number(value)
}

/** Appends response parameters to the redirect URI, keeping its own query (RFC 6749 §3.1.2). */
export function buildRedirect(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri)
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.append(k, v)
  return url.toString()
}
