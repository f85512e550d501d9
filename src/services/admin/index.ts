/**
 * @module
 * The admin API's services, built from the base services so every rule (redirect URIs, scopes,
 * revocation) is the one the CLI and the OAuth endpoints use. Each method takes the acting Actor.
 */
import { createAccessService } from './access.ts'
import { createAdminApplicationService } from './applications.ts'
import { createAdminKeyService } from './keys.ts'
import { createAdminScopeService } from './scopes.ts'
import { createAdminRegistrationTokenService } from './registration-tokens.ts'
import { createAdminTokenService } from './tokens.ts'
import { createAdminUserService } from './users.ts'
import type { ApplicationService } from '../applications/applications.ts'
import type { AuditService } from '../shared/audit.ts'
import type { ServiceDeps } from '../shared/deps.ts'
import type { GrantService } from '../grants/grants.ts'
import type { ScopeService } from '../scopes/scopes.ts'
import type { SigningKeyService } from '../keys/signing-keys.ts'
import type { TokenService } from '../tokens/tokens.ts'
import type { UserService } from '../users/users.ts'
import type { LinkService } from '../users/links.ts'
import type { RegistrationService } from '../registration/registration.ts'

export interface BaseServices {
  deps: ServiceDeps
  audit: AuditService
  scopes: ScopeService
  users: UserService
  links: LinkService
  applications: ApplicationService
  grants: GrantService
  tokens: TokenService
  signingKeys: SigningKeyService
  registration: RegistrationService
}

export function createAdminServices(s: BaseServices) {
  return {
    access: createAccessService(s.deps, s.tokens, s.users, s.scopes),
    applications: createAdminApplicationService(s.deps, s.audit, s.applications),
    users: createAdminUserService(s.deps, s.audit, s.users, s.links),
    tokens: createAdminTokenService(s.deps, s.audit, s.tokens, s.grants, s.scopes),
    keys: createAdminKeyService(s.deps, s.signingKeys),
    scopes: createAdminScopeService(s.scopes),
    registrationTokens: createAdminRegistrationTokenService(s.registration),
  }
}
export type AdminServices = ReturnType<typeof createAdminServices>

/** Adds `admin` to the services object (used by services/index.ts). */
export function withAdmin<S extends BaseServices>(services: S): S & { admin: AdminServices } {
  return { ...services, admin: createAdminServices(services) }
}
export type { PageWindow } from '../../store/repositories/admin-pages.ts'
