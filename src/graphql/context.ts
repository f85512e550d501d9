/** @module What every resolver receives: the services, the authenticated Actor, and the client IP. */
import type { Actor } from '../services/admin/access.ts'
import type { HandlerServices } from '../services/index.ts'

export interface GraphQLContext {
  services: HandlerServices
  actor: Actor
  ip: string
  /** Told the cause when a resolver meets a database outage (answered 503), for the request log. */
  noteFault?: (reason: string) => void
  /** Told a resolver's unexpected error (masked in the answer), for the log, with its stack. */
  noteDefect?: (error: unknown) => void
}
