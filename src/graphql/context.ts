/** @module What every resolver receives: the services, the authenticated Actor, and the client IP. */
import type { Actor } from '../services/admin/access.ts'
import type { Port } from '../services/index.ts'

/**
 * The resolvers' port (issue 15 §3): the admin services, which check the Actor's rights, the scope
 * catalogue, and groups (whose resolvers check the Actor's rights through authScopes). Not the whole bag:
 * tokens, sessions, grants and the rest are reached only through admin/, and authentication
 * (admin.access) is the endpoint's (graphql/http.ts), done before any resolver runs.
 */
export type ResolverPorts = Port<{
  admin: 'applications' | 'keys' | 'scopes' | 'tokens' | 'users' | 'registrationTokens'
  scopes: 'all' | 'find'
  groups: 'create' | 'update' | 'delete' | 'addMember' | 'removeMember' | 'find' | 'list' | 'members' | 'byIds'
}>

export interface GraphQLContext {
  services: ResolverPorts
  actor: Actor
  ip: string
  /** Told the cause when a resolver meets a database outage (answered 503), for the request log. */
  noteFault?: (reason: string) => void
  /** Told a resolver's unexpected error (masked in the answer), for the log, with its stack. */
  noteDefect?: (error: unknown) => void
}
