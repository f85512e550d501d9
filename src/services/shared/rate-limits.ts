/**
 * @module
 * Failure counters in the database (so they survive restarts and are shared by instances): login
 * and password-grant failures per username and per IP, device user-code entry per IP. A key over
 * its limit is refused, even with the right password, until its window ends (RFC 6749 §4.3.2,
 * RFC 6819 §4.4.3.6, RFC 8628 §5.1). Functions with their dependencies named as parameters (like
 * sessions/sessions.ts), bound once by createRateLimitService.
 */
import { sha256Hex } from '../../crypto/secrets.ts'
import * as repo from '../../store/repositories/rate-limits.ts'
import type { ServiceDeps } from './deps.ts'

export interface Limit {
  /** Failures allowed within the window. */
  max: number
  windowSeconds: number
}

export const LIMITS = {
  loginPerUsername: { max: 10, windowSeconds: 900 },
  loginPerIp: { max: 50, windowSeconds: 900 },
  userCodePerIp: { max: 10, windowSeconds: 900 },
  /** RFC 6749 §2.3.1; keyed by client and IP so an attacker elsewhere cannot lock the client out. */
  clientSecretPerClientIp: { max: 50, windowSeconds: 60 },
  /** RFC 7662 §4 token scanning: inactive answers per introspecting client. */
  introspectionMissPerClient: { max: 200, windowSeconds: 60 },
  /** Unknown bearer tokens at token info and userinfo, per IP. */
  bearerMissPerIp: { max: 200, windowSeconds: 60 },
  /** RFC 8628 §5.2: device authorizations per client and IP. */
  deviceAuthorizationPerClientIp: { max: 60, windowSeconds: 600 },
  /** Issue 18, RFC 7591 §3: registrations (and wrong registration access tokens) per IP. */
  registrationPerIp: { max: 20, windowSeconds: 600 },
  /** Issue 18: registrations made with one initial access token (a leaked one cannot flood). */
  registrationPerToken: { max: 50, windowSeconds: 600 },
  /** Issue 18: client ID metadata documents fetched on behalf of one address (cached ones do not count). */
  metadataFetchPerIp: { max: 30, windowSeconds: 60 },
} satisfies Record<string, Limit>

export type LimitName = keyof typeof LIMITS

/** What the counters use: the store and the clock. */
export type RateLimitDeps = Pick<ServiceDeps, 'db' | 'clock'>

// Usernames are hashed so the table never lists who was attacked with what spelling.
const keyOf = (name: LimitName, subject: string) => `${name}:${sha256Hex(subject.toLowerCase()).slice(0, 32)}`

/** Seconds until the subject may try again, or 0 when it is under its limit. */
export async function retryAfter({ db, clock }: RateLimitDeps, name: LimitName, subject: string): Promise<number> {
  const limit = LIMITS[name]
  const row = await repo.readCounter(db, keyOf(name, subject))
  if (!row) return 0
  const ends = Number(row.window_start) + limit.windowSeconds
  const now = clock.now()
  return Number(row.count) >= limit.max && ends > now ? ends - now : 0
}

export async function recordFailure({ db, clock }: RateLimitDeps, name: LimitName, subject: string): Promise<void> {
  await repo.hitCounter(db, keyOf(name, subject), clock.now(), LIMITS[name].windowSeconds)
}

/** Counts one event and returns the wait when that event went over the limit, else 0. */
export async function hitLimit({ db, clock }: RateLimitDeps, name: LimitName, subject: string): Promise<number> {
  const limit = LIMITS[name]
  const { count, windowStart } = await repo.hitCounter(db, keyOf(name, subject), clock.now(), limit.windowSeconds)
  return count > limit.max ? Math.max(1, windowStart + limit.windowSeconds - clock.now()) : 0
}

export async function resetLimit({ db }: Pick<ServiceDeps, 'db'>, name: LimitName, subject: string): Promise<void> {
  await repo.clearCounter(db, keyOf(name, subject))
}

/** The counters bound to their dependencies, as handlers and other services reach them (`services.rateLimits`). */
export function createRateLimitService(deps: ServiceDeps) {
  return {
    retryAfter: (name: LimitName, subject: string) => retryAfter(deps, name, subject),
    recordFailure: (name: LimitName, subject: string) => recordFailure(deps, name, subject),
    hit: (name: LimitName, subject: string) => hitLimit(deps, name, subject),
    reset: (name: LimitName, subject: string) => resetLimit(deps, name, subject),
  }
}
export type RateLimitService = ReturnType<typeof createRateLimitService>
