/**
 * @module
 * Which failures of the database mean "the store cannot be used right now" rather than "Latchkey
 * has a bug": a locked, full or read-only SQLite file, a PostgreSQL server that is down, restarting,
 * out of connections or unreachable, a pool that waited too long for a connection, a store already
 * closed for shutdown. The interfaces answer these with 503 and Retry-After and log one line, no
 * stack (http/respond.ts, graphql/yoga.ts); everything else stays a defect (500 with a stack).
 *
 * Classified by the drivers' own codes: bun:sqlite's `code` (SQLITE_BUSY, or an extended code such as
 * SQLITE_IOERR_WRITE), PostgreSQL's SQLSTATE, Node's socket errno, and, where `pg` and Kysely give
 * no code, their exact messages.
 */

export class StorageUnavailable extends Error {
  override name = 'StorageUnavailable'
  /**
   * @param reason a short label for the log (`SQLITE_BUSY`, `postgres 57P01`, `ECONNREFUSED`), never
   *   the driver's message, which may quote SQL or values
   * @param retryAfter seconds a client should wait before trying again
   */
  constructor(
    readonly reason: string,
    readonly retryAfter: number,
    options?: { cause?: unknown },
  ) {
    super(`the database is unavailable (${reason})`, options)
  }
}

/** A lock clears in moments; a server or a disk needs someone to act. */
const RETRY_AFTER_LOCKED = 1
const RETRY_AFTER_OUTAGE = 5

/** Primary result codes (https://sqlite.org/rescode.html): busy or locked, full, read-only, unopenable, I/O. */
const SQLITE_LOCK_CODES = new Set(['SQLITE_BUSY', 'SQLITE_LOCKED'])
const SQLITE_OUTAGE_CODES = new Set([
  'SQLITE_FULL',
  'SQLITE_READONLY',
  'SQLITE_CANTOPEN',
  'SQLITE_IOERR',
  'SQLITE_NOMEM',
  'SQLITE_PROTOCOL',
])

/**
 * SQLSTATEs (PostgreSQL appendix A): 08 connection exception, 53 insufficient resources (disk full,
 * out of memory, too many connections), 57P01-57P03 shutdown, crash or start-up in progress,
 * 55P03 lock_not_available and 57014 query_canceled (an operator's lock or statement timeout),
 * 25006 read_only_sql_transaction (a standby, or the database set read-only).
 */
const PG_LOCK_STATES = new Set(['55P03', '57014'])
const PG_OUTAGE_STATES = new Set(['57P01', '57P02', '57P03', '25006'])
const PG_OUTAGE_CLASSES = new Set(['08', '53'])
/** In class 08, but a bug in what was sent, not an outage. */
const PG_PROTOCOL_VIOLATION = '08P01'

/** Socket errors while reaching the database server. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
])

/** Errors `pg`, `pg-pool` and Kysely raise without a code, by their exact text. */
const MESSAGES: Array<[RegExp, string]> = [
  [/^Connection terminated/, 'connection terminated'],
  [/^timeout exceeded when trying to connect$/, 'pool timeout'],
  [/^Client has encountered a connection error and is not queryable$/, 'connection lost'],
  [/^Client was closed and is not queryable$/, 'connection closed'],
  [/^Cannot use a pool after calling end on the pool$/, 'store closed'],
  [/^driver has already been destroyed$/, 'store closed'],
]

/**
 * The StorageUnavailable `error` stands for (looking through `cause` and aggregated errors), or
 * undefined for a defect.
 */
export function storageUnavailable(error: unknown): StorageUnavailable | undefined {
  for (const e of causes(error)) {
    if (e instanceof StorageUnavailable) return e
    const found = classify(e)
    if (found) return new StorageUnavailable(found.reason, found.retryAfter, { cause: error })
  }
  return undefined
}

function classify(
  e: Error & { code?: unknown; syscall?: unknown },
): { reason: string; retryAfter: number } | undefined {
  const code = typeof e.code === 'string' ? e.code : undefined
  if (code?.startsWith('SQLITE_')) {
    const primary = /^SQLITE_[A-Z]+/.exec(code)![0]
    if (SQLITE_LOCK_CODES.has(primary)) return { reason: code, retryAfter: RETRY_AFTER_LOCKED }
    if (SQLITE_OUTAGE_CODES.has(primary)) return { reason: code, retryAfter: RETRY_AFTER_OUTAGE }
    return undefined
  }
  if (code && /^[0-9A-Z]{5}$/.test(code)) {
    if (PG_LOCK_STATES.has(code)) return { reason: `postgres ${code}`, retryAfter: RETRY_AFTER_LOCKED }
    const outage =
      PG_OUTAGE_STATES.has(code) || (PG_OUTAGE_CLASSES.has(code.slice(0, 2)) && code !== PG_PROTOCOL_VIOLATION)
    if (outage) return { reason: `postgres ${code}`, retryAfter: RETRY_AFTER_OUTAGE }
  }
  // A missing Unix socket is a server that is not running, not a missing file of ours.
  if (code && (NETWORK_CODES.has(code) || (code === 'ENOENT' && e.syscall === 'connect')))
    return { reason: code, retryAfter: RETRY_AFTER_OUTAGE }
  const known = MESSAGES.find(([pattern]) => pattern.test(e.message))
  return known && { reason: known[1], retryAfter: RETRY_AFTER_OUTAGE }
}

/** `error`, then its causes and aggregated errors, breadth first; bounded against cycles. */
function causes(error: unknown): Array<Error & { code?: unknown; syscall?: unknown }> {
  const out: Error[] = []
  const queue = [error]
  while (queue.length && out.length < 16) {
    const e = queue.shift()
    if (!(e instanceof Error) || out.includes(e)) continue
    out.push(e)
    if (e.cause !== undefined) queue.push(e.cause)
    if (e instanceof AggregateError) queue.push(...e.errors)
  }
  return out
}
