/**
 * @module
 * Initial access tokens (RFC 7591 §3) as the admin API makes them: administrators only; the rules are
 * the registration service's (services/registration/initial-access-tokens.ts).
 */
import type { z } from 'zod'
import type { InitialAccessToken, NewInitialAccessTokenInput } from '../registration/initial-access-tokens.ts'
import type { RegistrationService } from '../registration/registration.ts'
import { Forbidden } from '../shared/errors.ts'
import { assertAdmin, seesAll, type Actor } from './access.ts'

export function createAdminRegistrationTokenService(registration: RegistrationService) {
  return {
    create: (
      actor: Actor,
      input: z.input<typeof NewInitialAccessTokenInput>,
    ): Promise<{ token: string; initialAccessToken: InitialAccessToken }> => {
      assertAdmin(actor)
      return registration.createToken(input, actor.userId)
    },
    /** Read-only administrators may list them (never a value: only a hint). */
    list: (actor: Actor): Promise<InitialAccessToken[]> => {
      if (!seesAll(actor)) throw new Forbidden('only administrators may list initial access tokens')
      return registration.listTokens()
    },
    revoke: (actor: Actor, id: string): Promise<InitialAccessToken> => {
      assertAdmin(actor)
      return registration.revokeToken(id, actor.userId)
    },
  }
}
export type AdminRegistrationTokenService = ReturnType<typeof createAdminRegistrationTokenService>
