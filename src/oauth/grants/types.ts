import type { z } from 'zod'
import type { Config } from '../../config.ts'
import type { Application } from '../../services/applications/applications.ts'
import type { ServiceDeps } from '../../services/index.ts'

/** RFC 6749 §5.1 plus `created_at` (GitLab/Doorkeeper) and `id_token` (OIDC Core §3.1.3.3). */
export interface TokenResponse {
  access_token: string
  token_type: 'Bearer'
  expires_in: number
  refresh_token?: string
  scope: string
  created_at: number
  id_token?: string
}

/**
 * What a grant is handed. `services` is the grant's own port (fosite's narrow storage interfaces): each
 * grant file names the few service methods it calls, and the token endpoint passes the real services.
 * `Ports` has no default, so no grant can forget to name its port (issue 15 §3).
 */
export interface GrantContext<P, Ports> {
  client: Application
  params: P
  services: Ports
  config: Config
  clock: ServiceDeps['clock']
  /** The caller's address, for per-IP limits. */
  ip: string
}

/** One grant type: the token endpoint authenticates the client and parses params; the grant decides. */
export interface GrantHandler<S extends z.ZodType, Ports> {
  readonly grantType: string
  readonly params: S
  /** fosite's CanSkipClientAuth: may a public client (no secret) use this grant? */
  readonly allowsPublicClients: boolean
  handle(ctx: GrantContext<z.infer<S>, Ports>): Promise<TokenResponse>
}
