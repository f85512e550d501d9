/**
 * @module
 * Bounded storage: deletes codes, tokens, device codes and sessions that can no longer be used, and
 * audit events older than the retention, in small batches so no statement holds the write lock for
 * long. The SQL is in store/repositories/purge.ts; this file decides what is dead and when. A
 * function with its dependencies named as parameters (like sessions/sessions.ts).
 */
import { deleteDeadRows, type DeadRows } from '../../store/repositories/purge.ts'
import type { ServiceDeps } from '../shared/deps.ts'
import { LIMITS } from '../shared/rate-limits.ts'

/** A counter is stale once the longest rate-limit window has passed since it started. */
const LONGEST_WINDOW = Math.max(...Object.values(LIMITS).map((l) => l.windowSeconds))

/**
 * Rows are kept this long after they stop working, so a late replay or poll still meets its
 * specific answer (a replayed code revokes the tokens issued from it, RFC 6749 §4.1.2; a late
 * device poll gets `expired_token`, RFC 8628 §3.5) rather than "unknown". Never less than the code
 * lifetime, so code-replay revocation always finds the token families of a code.
 */
export const PURGE_GRACE_SECONDS = 3600

export interface PurgeReport {
  accessTokens: number
  refreshTokens: number
  authorizationCodes: number
  deviceCodes: number
  sessions: number
  auditEvents: number
  rateLimits: number
  tokenCountBuckets: number
  /** Issue 17: setup and password-reset links used or expired before the cutoff. */
  oneTimeLinks: number
  /** Issue 18: self-registered clients that never obtained a token within `registrationPurgeAfter`. */
  unusedClients: number
  batches: number
}

type Kind = Exclude<keyof PurgeReport, 'batches'>

/** The cutoffs of one pass, each in the unit of the column it is compared with. */
interface Cutoffs {
  /** Things that stopped working before this (expired, revoked) are past their grace period. */
  dead: number
  audit: number
  rateLimits: number
  hour: number
}

/** What the purge deletes, in order: each kind of dead row and the cutoff it is compared with. */
const PURGES: { kind: Kind; rows: DeadRows; cutoff: keyof Cutoffs }[] = [
  { kind: 'accessTokens', cutoff: 'dead', rows: { table: 'access_tokens', key: 'id', column: 'expires_at', op: '<=' } },
  { kind: 'accessTokens', cutoff: 'dead', rows: { table: 'access_tokens', key: 'id', column: 'revoked_at', op: '<=' } },
  {
    kind: 'refreshTokens',
    cutoff: 'dead',
    rows: { table: 'refresh_tokens', key: 'family_id', column: 'expires_at', op: '<=', wholeRefreshFamilies: true },
  },
  {
    kind: 'refreshTokens',
    cutoff: 'dead',
    rows: { table: 'refresh_tokens', key: 'family_id', column: 'revoked_at', op: '<=', wholeRefreshFamilies: true },
  },
  {
    kind: 'authorizationCodes',
    cutoff: 'dead',
    rows: { table: 'authorization_codes', key: 'id', column: 'expires_at', op: '<=' },
  },
  { kind: 'deviceCodes', cutoff: 'dead', rows: { table: 'device_codes', key: 'id', column: 'expires_at', op: '<=' } },
  { kind: 'sessions', cutoff: 'dead', rows: { table: 'sessions', key: 'id', column: 'expires_at', op: '<=' } },
  { kind: 'sessions', cutoff: 'dead', rows: { table: 'sessions', key: 'id', column: 'revoked_at', op: '<=' } },
  {
    kind: 'oneTimeLinks',
    cutoff: 'dead',
    rows: { table: 'one_time_links', key: 'id', column: 'expires_at', op: '<=' },
  },
  { kind: 'oneTimeLinks', cutoff: 'dead', rows: { table: 'one_time_links', key: 'id', column: 'used_at', op: '<=' } },
  { kind: 'auditEvents', cutoff: 'audit', rows: { table: 'audit_events', key: 'id', column: 'created_at', op: '<' } },
  // Failure counters whose window ended before the cutoff count for nothing any more.
  {
    kind: 'rateLimits',
    cutoff: 'rateLimits',
    rows: { table: 'rate_limits', key: 'key', column: 'window_start', op: '<=' },
  },
  // Live-token counter buckets of past hours: every token they counted has expired.
  {
    kind: 'tokenCountBuckets',
    cutoff: 'hour',
    rows: { table: 'live_token_counts', key: 'expires_hour', column: 'expires_hour', op: '<' },
  },
]

/** Issue 18: deletes up to `limit` unused self-registered clients made at or before `cutoff`, each audited. */
export type PurgeUnusedClients = (cutoff: number, limit: number) => Promise<number>

export interface PurgeOptions {
  /** Checked between batches: a shutting-down server stops purging at once. */
  shouldStop?: () => boolean
}

function cutoffs(config: Pick<ServiceDeps['config'], 'codeTtl' | 'auditRetention'>, now: number): Cutoffs {
  return {
    dead: now - Math.max(PURGE_GRACE_SECONDS, config.codeTtl),
    audit: now - config.auditRetention,
    rateLimits: now - LONGEST_WINDOW,
    hour: Math.floor(now / 3600),
  }
}

/** One full pass: each kind in batches of `purgeBatchSize` until a batch comes back short. */
export async function purgeDeadRows(
  { db, config, clock }: ServiceDeps,
  options: PurgeOptions = {},
  purgeUnusedClients?: PurgeUnusedClients,
): Promise<PurgeReport> {
  const report: PurgeReport = {
    accessTokens: 0,
    refreshTokens: 0,
    authorizationCodes: 0,
    deviceCodes: 0,
    sessions: 0,
    auditEvents: 0,
    rateLimits: 0,
    tokenCountBuckets: 0,
    oneTimeLinks: 0,
    unusedClients: 0,
    batches: 0,
  }
  const limit = config.purgeBatchSize
  const at = cutoffs(config, clock.now())
  for (const { kind, rows, cutoff } of PURGES) {
    for (;;) {
      if (options.shouldStop?.()) return report
      const deleted = await deleteDeadRows(db, rows, at[cutoff], limit)
      report[kind] += deleted
      report.batches++
      if (deleted < limit) break
      await yieldToRequests()
    }
  }
  // Issue 18: a client that registered itself and never got a token is most likely abandoned (or abuse).
  const unusedCutoff = clock.now() - config.registrationPurgeAfter
  while (purgeUnusedClients) {
    if (options.shouldStop?.()) return report
    const deleted = await purgeUnusedClients(unusedCutoff, limit)
    report.unusedClients += deleted
    report.batches++
    if (deleted < limit) break
    await yieldToRequests()
  }
  return report
}

/** The purge bound to its dependencies (`services.purge`). */
export function createPurgeService(deps: ServiceDeps, purgeUnusedClients?: PurgeUnusedClients) {
  return {
    run: (options: PurgeOptions = {}) => purgeDeadRows(deps, options, purgeUnusedClients),
  }
}
export type PurgeService = ReturnType<typeof createPurgeService>

export interface Purger {
  /** Stops scheduling, asks a running pass to stop after its current batch, and waits for it. */
  stop(): Promise<void>
}

/** Runs the purge every `intervalSeconds` (the first pass one interval after start). */
export function startPurger(
  purge: PurgeService,
  intervalSeconds: number,
  onDone: (r: PurgeReport | Error, ms: number) => void,
): Purger {
  let stopped = false
  let running: Promise<void> | undefined
  const tick = () => {
    if (running || stopped) return
    const started = performance.now()
    running = purge
      .run({ shouldStop: () => stopped })
      .then(
        (r) => onDone(r, performance.now() - started),
        (e: unknown) => onDone(e instanceof Error ? e : new Error(String(e)), performance.now() - started),
      )
      .finally(() => {
        running = undefined
      })
  }
  const timer = setInterval(tick, intervalSeconds * 1000)
  timer.unref?.()
  return {
    async stop() {
      stopped = true
      clearInterval(timer)
      await running
    },
  }
}

function yieldToRequests(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}
