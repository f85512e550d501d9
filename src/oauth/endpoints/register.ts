/**
 * @module
 * Dynamic client registration (RFC 7591 §3) at POST /oauth/register, and the client configuration
 * endpoint (RFC 7592 §2) at GET/PUT/DELETE /oauth/register?client_id=ID, the `registration_client_uri`
 * each registration answers with. The rules (policy, ceilings, tokens) are the registration service's;
 * this file reads the request, counts it against the rate limits, and speaks the RFCs' errors:
 * invalid_redirect_uri / invalid_client_metadata (400, RFC 7591 §3.2.2) naming the field, invalid_token
 * (401 with a Bearer challenge, RFC 6750 §3.1) for an initial or registration access token that does not
 * open the door, 429 with Retry-After past the limits.
 */
import type { Reply, RequestContext } from '../../handler/context.ts'
import {
  InvalidClientMetadata,
  InvalidRedirectUri,
  InvalidRequest,
  InvalidToken,
  MissingToken,
  RouteNotFound,
  TooManyRequests,
} from '../../handler/errors.ts'
import type { Application } from '../../services/applications/applications.ts'
import type { Port } from '../../services/index.ts'
import type { Registered } from '../../services/registration/registration.ts'
import { DomainError, Forbidden, Invalid } from '../../services/shared/errors.ts'

export type RegisterPorts = Port<{
  registration: 'policy' | 'register' | 'read' | 'update' | 'delete'
  rateLimits: 'hit'
}>

export const REGISTRATION_PATH = '/oauth/register'

/** The body refused before the handler runs (wrong content type, not JSON): RFC 7591 §3.2.2's 400. */
export function refuseRegistrationBody(reason: string): Error {
  return new InvalidClientMetadata(reason)
}

/** RFC 6750 §2.1: the token in the Authorization header, the only place these endpoints take it. */
function bearer(request: Request): string | undefined {
  const header = request.headers.get('authorization')
  if (!header) return undefined
  const m = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header)
  if (!m) throw new InvalidToken('the Authorization header is not a Bearer token')
  return m[1]
}

/** Domain refusals in RFC 7591 / 7592 words. */
function translate(e: unknown): unknown {
  if (e instanceof Invalid) {
    if (e.field === 'redirect_uris') return new InvalidRedirectUri(e.message)
    if (e.field === 'policy') return new RouteNotFound(e.message)
    return new InvalidClientMetadata(e.message)
  }
  if (e instanceof Forbidden) {
    if (e.field === 'policy') return new RouteNotFound(e.message)
    if (e.field === 'missing_token') return new MissingToken(e.message)
    return new InvalidToken(e.message)
  }
  if (e instanceof DomainError) return new InvalidClientMetadata(e.message)
  return e
}

async function limited(
  ctx: RequestContext<RegisterPorts>,
  name: 'registrationPerIp' | 'registrationPerToken',
  key: string,
) {
  const wait = await ctx.services.rateLimits.hit(name, key)
  if (wait > 0) throw new TooManyRequests('too many registrations; try again later', wait)
}

/** RFC 7591 §3.2.1 (and RFC 7592 §3): the registered metadata, and the secrets of this answer. */
export function registrationResponse(issuer: string, r: Registered): Record<string, unknown> {
  const a: Application = r.application
  const method = a.tokenEndpointAuthMethod ?? (a.isPublic ? 'none' : 'client_secret_basic')
  return {
    client_id: a.clientId,
    ...(r.clientSecret !== null && { client_secret: r.clientSecret }),
    client_id_issued_at: a.createdAt,
    // Required whenever a secret exists (RFC 7591 §3.2.1); secrets here do not expire.
    ...(!a.isPublic && { client_secret_expires_at: 0 }),
    ...(r.registrationAccessToken !== null && { registration_access_token: r.registrationAccessToken }),
    registration_client_uri: `${issuer}${REGISTRATION_PATH}?client_id=${encodeURIComponent(a.clientId)}`,
    client_name: a.name,
    redirect_uris: a.redirectUris,
    token_endpoint_auth_method: method,
    grant_types: a.grantTypes,
    response_types: a.grantTypes.includes('authorization_code') ? ['code'] : [],
    scope: a.scopes.join(' '),
    ...(a.clientUri !== null && { client_uri: a.clientUri }),
    ...(a.logoUri !== null && { logo_uri: a.logoUri }),
    ...(a.policyUri !== null && { policy_uri: a.policyUri }),
    ...(a.tosUri !== null && { tos_uri: a.tosUri }),
    ...(a.contacts.length > 0 && { contacts: a.contacts }),
    id_token_signed_response_alg: a.idTokenAlg,
  }
}

/** POST /oauth/register: RFC 7591 §3.1 request, §3.2.1 201 answer. */
export async function register(ctx: RequestContext<RegisterPorts>): Promise<Reply> {
  if (ctx.services.registration.policy() === 'off') throw new RouteNotFound('client registration is not enabled')
  await limited(ctx, 'registrationPerIp', ctx.ip)
  const token = bearer(ctx.request)
  if (token !== undefined) await limited(ctx, 'registrationPerToken', token)
  try {
    const registered = await ctx.services.registration.register(ctx.document ?? {}, {
      ...(token !== undefined && { initialAccessToken: token }),
      ip: ctx.ip,
    })
    ctx.log.clientId = registered.application.clientId
    return { type: 'json', status: 201, body: registrationResponse(ctx.config.issuer, registered) }
  } catch (e) {
    throw translate(e)
  }
}

/** RFC 7592 §2: the client named by the registration_client_uri's client_id. */
function configuredClient(ctx: RequestContext<RegisterPorts>): string {
  const clientId = ctx.query.client_id
  if (!clientId) throw new InvalidRequest('client_id is required in the registration_client_uri')
  return clientId
}

/** A wrong registration access token is counted like any unknown bearer token. */
async function asClient<T>(ctx: RequestContext<RegisterPorts>, act: () => Promise<T>): Promise<T> {
  try {
    return await act()
  } catch (e) {
    const refused = translate(e)
    if (refused instanceof InvalidToken) await limited(ctx, 'registrationPerIp', ctx.ip)
    throw refused
  }
}

/** GET: RFC 7592 §2.1 read. */
export async function readClientConfiguration(ctx: RequestContext<RegisterPorts>): Promise<Reply> {
  const clientId = configuredClient(ctx)
  const token = bearer(ctx.request)
  if (token === undefined) throw new MissingToken('a registration access token is required (RFC 7592 §2)')
  const registered = await asClient(ctx, () => ctx.services.registration.read(clientId, token))
  ctx.log.clientId = clientId
  return { type: 'json', body: registrationResponse(ctx.config.issuer, registered) }
}

/** PUT: RFC 7592 §2.2 update; the answer carries a new registration access token. */
export async function updateClientConfiguration(ctx: RequestContext<RegisterPorts>): Promise<Reply> {
  const clientId = configuredClient(ctx)
  const token = bearer(ctx.request)
  if (token === undefined) throw new MissingToken('a registration access token is required (RFC 7592 §2)')
  const registered = await asClient(ctx, () =>
    ctx.services.registration.update(clientId, token, ctx.document ?? {}, ctx.ip),
  )
  ctx.log.clientId = clientId
  return { type: 'json', body: registrationResponse(ctx.config.issuer, registered) }
}

/** DELETE: RFC 7592 §2.3, 204 No Content. */
export async function deleteClientConfiguration(ctx: RequestContext<RegisterPorts>): Promise<Reply> {
  const clientId = configuredClient(ctx)
  const token = bearer(ctx.request)
  if (token === undefined) throw new MissingToken('a registration access token is required (RFC 7592 §2)')
  await asClient(ctx, () => ctx.services.registration.delete(clientId, token, ctx.ip))
  ctx.log.clientId = clientId
  return { type: 'empty', status: 204, headers: [['Cache-Control', 'no-store']] }
}
