/**
 * @module
 * The one rule behind both forges' "who am I" (issue 16): the token as that forge's clients send it
 * (tokens.ts), looked up as every bearer token is (oauth/bearer.ts: revoked and expired tokens are
 * refused, misses are rate-limited per address), a user behind it, and a scope that lets it read
 * the profile.
 */
import type { RequestContext } from '../handler/context.ts'
import { InvalidToken } from '../handler/errors.ts'
import { requireAccessToken, type BearerPorts } from '../oauth/bearer.ts'
import type { Port } from '../services/index.ts'
import type { User } from '../services/users/users.ts'
import { ForgeScopeRequired } from './errors.ts'
import { presentedToken, type ForgeDialect } from './tokens.ts'

/** What the forge user endpoints use. */
export type ForgeUserPorts = BearerPorts & Port<{ scopes: 'expand'; users: 'findById' }>

/**
 * Latchkey's built-in `read_user` and Gitea's `read:user` both read the profile, on either path; so
 * do the scopes that imply one of them once expanded (api, read_api; write:user, and user in Gitea's
 * older vocabulary). `named` is what a refusal lists, in the forge's own words.
 */
const READS_PROFILE = ['read_user', 'read:user']

export async function currentUser(
  ctx: RequestContext<ForgeUserPorts>,
  dialect: ForgeDialect,
  named: readonly string[],
): Promise<User> {
  const presented = presentedToken(dialect, ctx.request, ctx.query)
  const token = await requireAccessToken(ctx.services, presented.value, ctx.ip)
  if (presented.personalOnly && token.kind !== 'personal')
    throw new InvalidToken('PRIVATE-TOKEN and private_token take a personal access token')
  if (token.userId === null) throw new InvalidToken('no user is behind this access token')
  const scopes = await ctx.services.scopes.expand(token.scopes)
  if (!READS_PROFILE.some((s) => scopes.includes(s))) throw new ForgeScopeRequired(named)
  const user = await ctx.services.users.findById(token.userId)
  if (!user) throw new InvalidToken('the access token is invalid, expired or revoked')
  return user
}

/** A time in epoch seconds as RFC 3339 in UTC, with or without milliseconds. */
export function isoTime(seconds: number, milliseconds: boolean): string {
  const text = new Date(seconds * 1000).toISOString()
  return milliseconds ? text : text.replace(/\.\d{3}Z$/, 'Z')
}
