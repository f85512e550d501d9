/**
 * @module
 * RFC 6750 §2: a bearer token in the Authorization header, a form body or the `access_token`
 * query parameter — exactly one of them.
 */
import type { Params } from '../handler/params.ts'
import type { Port } from '../services/index.ts'
import type { ActiveToken } from '../services/tokens/tokens.ts'
import { InvalidRequest, InvalidToken, MissingToken, TooManyRequests } from '../handler/errors.ts'

export function extractBearer(request: Request, query: Params, body: Params | undefined): string | undefined {
  const found: string[] = []
  const header = request.headers.get('authorization')
  if (header) {
    const m = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header)
    if (!m) throw new InvalidToken('the Authorization header is not a Bearer token')
    found.push(m[1]!)
  }
  if (body?.access_token !== undefined) found.push(body.access_token)
  if (query.access_token !== undefined) found.push(query.access_token)
  if (found.length > 1) throw new InvalidRequest('the access token was sent in more than one way')
  return found[0]
}

/**
 * Resolves a presented bearer access token, or throws InvalidToken (401). Unknown tokens are
 * counted per address, and a caller guessing many of them gets 429 (RFC 6819 §4.4.1.11).
 */
/** What a bearer check uses: the token lookup and the per-address limit on misses. */
export type BearerPorts = Port<{ tokens: 'findActive'; rateLimits: 'hit' }>

export async function requireAccessToken(
  services: BearerPorts,
  token: string | undefined,
  ip: string,
): Promise<ActiveToken> {
  if (token === undefined) throw new MissingToken('an access token is required')
  const active = await services.tokens.findActive(token)
  // RFC 8707 §3, RFC 9068 §4: a token whose audience is a registered resource is that resource's,
  // not Latchkey's (userinfo, token info, the forge APIs, forward auth): refused like any bad token.
  if (active && active.kind !== 'refresh' && active.audience !== null)
    throw new InvalidToken('the access token is for another resource (its audience is not this server)')
  if (active && active.kind !== 'refresh') return active // an OAuth or a personal access token
  const wait = await services.rateLimits.hit('bearerMissPerIp', ip)
  if (wait > 0) throw new TooManyRequests('too many invalid access tokens; try again later', wait)
  throw new InvalidToken('the access token is invalid, expired or revoked')
}
