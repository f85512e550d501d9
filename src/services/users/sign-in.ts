/**
 * @module
 * Signing in with a username and password, throttled: the one rule behind the login page and the
 * password grant (RFC 6749 §4.3.2: the server MUST protect against brute force). Failures are counted
 * per username and per address, a success clears the username's count, and every failure looks the
 * same. A function with its dependencies named as parameters, like sessions/sessions.ts.
 */
import type { RateLimitService } from '../shared/rate-limits.ts'
import type { User, UserService } from './users.ts'

export interface SignInDeps {
  users: Pick<UserService, 'authenticate'>
  rateLimits: Pick<RateLimitService, 'retryAfter' | 'recordFailure' | 'reset'>
}

export type SignInResult =
  | { outcome: 'signed_in'; user: User }
  /** Too many recent failures for this username or address: try again in `retryAfter` seconds. */
  | { outcome: 'limited'; retryAfter: number }
  /** Unknown user, wrong password or disabled account: one answer for all three. */
  | { outcome: 'refused' }

/** Checks the password unless a limit is reached. A saturated hasher's PasswordHasherBusy propagates. */
export async function signIn(
  { users, rateLimits }: SignInDeps,
  username: string,
  password: string,
  ip: string,
): Promise<SignInResult> {
  const retryAfter = Math.max(
    await rateLimits.retryAfter('loginPerUsername', username),
    await rateLimits.retryAfter('loginPerIp', ip),
  )
  if (retryAfter > 0) return { outcome: 'limited', retryAfter }
  const user = await users.authenticate(username, password)
  if (!user) {
    await rateLimits.recordFailure('loginPerUsername', username)
    await rateLimits.recordFailure('loginPerIp', ip)
    return { outcome: 'refused' }
  }
  await rateLimits.reset('loginPerUsername', username)
  return { outcome: 'signed_in', user }
}
