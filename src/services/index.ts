/** @module The composition root of the domain: every service, built once from the same deps. */
import { withAdmin } from './admin.ts'
import { createApplicationService } from './applications.ts'
import { createAuditService } from './audit.ts'
import { createAuthorizationCodeService } from './authorization-codes.ts'
import type { ServiceDeps } from './deps.ts'
import { createDeviceCodeService } from './device-codes.ts'
import { createGrantService } from './grants.ts'
import { createHealthService } from './health.ts'
import { createPurgeService } from './purge.ts'
import { createRateLimitService } from './rate-limits.ts'
import { createScopeService } from './scopes.ts'
import { createSessionService } from './sessions.ts'
import { createSigningKeyService } from './signing-keys.ts'
import { createTokenService } from './tokens.ts'
import { createTransferService } from './transfer.ts'
import { createUserService } from './users.ts'

export function createServices(deps: ServiceDeps) {
  const audit = createAuditService(deps)
  const scopes = createScopeService(deps, audit)
  const grants = createGrantService(deps, audit)
  const rateLimits = createRateLimitService(deps)
  return withAdmin({
    deps,
    audit,
    scopes,
    users: createUserService(deps, audit, rateLimits),
    sessions: createSessionService(deps, audit),
    applications: createApplicationService(deps, audit, scopes),
    grants,
    codes: createAuthorizationCodeService(deps),
    tokens: createTokenService(deps, audit),
    signingKeys: createSigningKeyService(deps, audit),
    health: createHealthService(deps),
    purge: createPurgeService(deps),
    rateLimits,
    deviceCodes: createDeviceCodeService(deps, audit, grants),
    transfer: createTransferService(deps, audit),
  })
}
export type Services = ReturnType<typeof createServices>
export type { ServiceDeps } from './deps.ts'
