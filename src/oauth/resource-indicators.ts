/**
 * @module
 * RFC 8707 resource indicators at the authorization and token endpoints. The model: an authorization
 * request may name several resources (§2: the grant covers all of them); each access token is for
 * exactly one (its `aud`), chosen at the token request ("narrow at the token request", §2.2), so a
 * resource server never accepts a token meant for another. A grant without resources issues tokens
 * for Latchkey itself, as before; a grant with resources issues only resource tokens.
 */
import type { Port } from '../services/index.ts'
import { IDENTITY_SCOPES, type Resource } from '../services/resources/resources.ts'
import { InvalidScope, InvalidTarget } from '../handler/errors.ts'
import { splitList } from '../services/shared/lists.ts'

/** What resolving `resource` parameters uses: the registry, read only when a request names one. */
export type ResourcePorts = Port<{ resources: 'resolveTargets' | 'byUri' }>

/** §2: every `resource` value resolved against the registry; unknown or malformed → invalid_target. */
export async function requestedResources(services: ResourcePorts, value: string | undefined): Promise<Resource[]> {
  if (value === undefined) return []
  const check = await services.resources.resolveTargets(value)
  if (!check.ok) throw new InvalidTarget(check.reason)
  return check.resources
}

/**
 * Scopes asked for explicitly beside resources must be ones a named resource accepts, or identity
 * scopes (openid, profile, …: about the user, never a resource's). Refused, not dropped: a client
 * asking a resource for a scope it does not know would otherwise get a token that silently cannot do
 * what it asked. Scopes the request did not name (defaults, a grant's) are intersected instead.
 */
export function checkScopesForResources(requested: string | undefined, resources: readonly Resource[]): void {
  if (resources.length === 0 || requested === undefined) return
  const refused = splitList(requested).filter(
    (s) => !IDENTITY_SCOPES.includes(s) && !resources.some((r) => r.scopes.includes(s)),
  )
  if (refused.length)
    throw new InvalidScope(`scope not accepted by the requested resource: ${[...new Set(refused)].join(' ')}`)
}

/**
 * The one resource a token request's access token is for. `granted` is what the grant authorized
 * (codes, device codes, refresh tokens), or null when there is no earlier grant (client credentials,
 * password): then any registered resource may be asked.
 * - more than one `resource` at the token endpoint: invalid_target (one audience per access token);
 * - one: it must be among the granted ones (§2.2: a subset, never wider) — invalid_target otherwise;
 * - none: the grant's only resource, none when it has none, and invalid_target when it has several.
 */
export async function audienceFor(
  services: ResourcePorts,
  value: string | undefined,
  granted: readonly string[] | null,
): Promise<Resource | null> {
  const asked = await requestedResources(services, value)
  if (asked.length > 1) throw new InvalidTarget('one resource per access token: name a single resource')
  if (granted === null) return asked[0] ?? null
  if (asked.length === 1) {
    if (!granted.includes(asked[0]!.uri))
      throw new InvalidTarget(`the grant does not cover this resource: ${asked[0]!.uri}`)
    return asked[0]!
  }
  if (granted.length === 0) return null
  if (granted.length > 1) throw new InvalidTarget('the grant covers several resources: name one with resource')
  const [only] = await services.resources.byUri(granted)
  if (!only) throw new InvalidTarget(`the resource is no longer registered: ${granted[0]}`)
  return only
}

/** A token request's explicit `scope` must be accepted by the resource it is for (see above). */
export function checkScopesForAudience(requested: string | undefined, resource: Resource | null): void {
  if (resource) checkScopesForResources(requested, [resource])
}
