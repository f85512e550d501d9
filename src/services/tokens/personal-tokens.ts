/**
 * @module
 * Personal access tokens: the one set of rules behind the CLI's `token create` and GraphQL's
 * createPersonalAccessToken (shape, lifetime bounds, known scopes). Written as functions with their
 * dependencies named as parameters, like the Kysely example's services; the admin API adds only its
 * access check ("never wider than the caller") between checking and issuing.
 */
import { z } from 'zod'
import type { ScopeService } from '../scopes/scopes.ts'
import { Invalid, parseOrInvalid } from '../shared/errors.ts'
import type { TokenService } from './tokens.ts'

export const PersonalTokenInput = z.object({
  scopes: z.array(z.string().min(1).max(100)).min(1, 'at least one scope').max(50),
  expiresIn: z
    .number()
    .int()
    .min(60)
    .max(366 * 86400)
    .nullable()
    .default(null),
})

declare const checked: unique symbol
/** A request that passed checkPersonalToken; only that function makes one. */
export type PersonalTokenRequest = z.output<typeof PersonalTokenInput> & { readonly [checked]: true }

/** Checks a request against the rules: its shape and lifetime, and scopes that exist. */
export async function checkPersonalToken(
  scopes: Pick<ScopeService, 'unknownNames'>,
  input: z.input<typeof PersonalTokenInput>,
): Promise<PersonalTokenRequest> {
  const request = parseOrInvalid(PersonalTokenInput, input)
  const unknown = await scopes.unknownNames(request.scopes)
  if (unknown.length) throw new Invalid(`unknown scope(s): ${unknown.join(', ')}`, 'scopes')
  return request as PersonalTokenRequest
}

/** Issues a checked request's token for a user. The value is returned once; only its hash is stored. */
export function issuePersonalToken(
  tokens: Pick<TokenService, 'issuePersonal'>,
  userId: string,
  request: PersonalTokenRequest,
) {
  return tokens.issuePersonal(userId, request.scopes, request.expiresIn)
}
