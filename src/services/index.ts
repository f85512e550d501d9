/**
 * @module The composition root of the domain: every service, built once from the same deps.
 * One folder per aggregate (applications, tokens, users, scopes, grants, sessions, keys); admin/ sits on
 * top and delegates to them; shared/ holds what every aggregate uses (errors, deps, audit, lists, rate
 * limits); operations/ holds the whole-database jobs (health, purge, transfer).
 */
import { withAdmin } from './admin/index.ts'
import { createApplicationService } from './applications/applications.ts'
import { createAuditService } from './shared/audit.ts'
import { createAuthorizationCodeService } from './tokens/authorization-codes.ts'
import type { ServiceDeps } from './shared/deps.ts'
import { createDeviceCodeService } from './tokens/device-codes.ts'
import { createGrantService } from './grants/grants.ts'
import { createGroupService } from './groups/groups.ts'
import { createHealthService } from './operations/health.ts'
import { createPurgeService } from './operations/purge.ts'
import { createRateLimitService } from './shared/rate-limits.ts'
import { createRegistrationService } from './registration/registration.ts'
import { createScopeService } from './scopes/scopes.ts'
import { createSessionService } from './sessions/sessions.ts'
import { createSigningKeyService } from './keys/signing-keys.ts'
import { createTokenService } from './tokens/tokens.ts'
import { createTransferService } from './operations/transfer.ts'
import { createUserService } from './users/users.ts'
import { createLinkService } from './users/links.ts'

export function createServices(deps: ServiceDeps) {
  const audit = createAuditService(deps)
  const scopes = createScopeService(deps, audit)
  const grants = createGrantService(deps, audit)
  const rateLimits = createRateLimitService(deps)
  const users = createUserService(deps, audit, rateLimits)
  const registration = createRegistrationService(deps, audit, scopes)
  return withAdmin({
    deps,
    audit,
    scopes,
    users,
    /** Issue 17: the first-run setup link and password-reset links (users/links.ts). */
    links: createLinkService({ ...deps, audit, hasher: users.passwordHasher, rateLimits }),
    sessions: createSessionService(deps, audit),
    applications: createApplicationService(deps, audit, scopes, rateLimits),
    grants,
    groups: createGroupService(deps, audit),
    codes: createAuthorizationCodeService(deps),
    tokens: createTokenService(deps, audit),
    signingKeys: createSigningKeyService(deps, audit),
    health: createHealthService(deps),
    purge: createPurgeService(deps, registration.purgeUnused),
    rateLimits,
    deviceCodes: createDeviceCodeService(deps, audit, grants),
    transfer: createTransferService(deps, audit),
    registration,
  })
}
export type Services = ReturnType<typeof createServices>

/**
 * The services as everything outside services/ sees them (handlers, resolvers, the CLI): without `deps`,
 * so no caller reaches the store but through the services' operations. Handlers get the config and the
 * clock from their context (RequestContext, GrantContext) instead.
 */
export type HandlerServices = Omit<Services, 'deps'>

/**
 * The members of `S` named in `N`: Pick without `N & keyof S`, which for a generic service is the cross
 * product of two unions of every service's member names and went past TypeScript's limit of 100,000
 * (TS2590) once the groups service was added.
 */
type Members<S, N> = { [P in keyof S as P extends N ? P : never]: S[P] }

/**
 * A narrow port on the services (fosite's small storage interfaces): from each named service, only the
 * named members, e.g. `Port<{ tokens: 'issue'; scopes: 'resolve' }>`. Grants and endpoints declare the
 * port they use, so what a caller depends on is written where it is called; the real services fit any port.
 */
export type Port<M extends { [K in keyof HandlerServices]?: keyof HandlerServices[K] }> = {
  [K in keyof M & keyof HandlerServices]: Members<HandlerServices[K], M[K]>
}
export type { ServiceDeps } from './shared/deps.ts'
